export {
  decideTicketForMessage,
  DEFAULT_CONVERSION_TIMER_MINUTES,
  type CurrentTicket,
  type TicketDecision,
} from './ticket-decision';
