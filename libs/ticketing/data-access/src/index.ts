export { ticketingMigrations } from './migrations';
export { TicketRepository, type NewTicket } from './ticket.repository';
export { TimerSettingsRepository } from './timer-settings.repository';
