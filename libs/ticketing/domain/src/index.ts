export {
  decideTicket,
  DEFAULT_CONVERSION_TIMER_MINUTES,
  type TicketDecision,
  type TicketsAroundMessage,
  type TicketSpan,
  type TicketStatus,
} from './ticket-decision';
