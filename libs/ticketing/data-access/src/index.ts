export { ticketingMigrations } from './migrations';
export {
  TicketRepository,
  type NewTicket,
  type StatusVersion,
  type TicketState,
} from './ticket.repository';
export { TimerSettingsRepository } from './timer-settings.repository';
