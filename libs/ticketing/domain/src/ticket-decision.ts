export const DEFAULT_CONVERSION_TIMER_MINUTES = 1_440;

export interface CurrentTicket {
  ticketId: string;
  status: 'open' | 'closed';
  /** CreateTime of the customer's latest message in this ticket. */
  lastCustomerMessageAt: Date;
}

export type TicketDecision =
  { kind: 'new' } | { kind: 'join'; ticketId: string } | { kind: 'reopen'; ticketId: string };

/**
 * The conversion timer: while it has not elapsed since the customer's previous message, a message
 * joins the current ticket (reopening it if closed); once elapsed, it starts a new ticket.
 * Times are WeChat's CreateTime, so a message processed late or out of order (earlier than the
 * latest one) lands where it was written.
 */
export function decideTicketForMessage(
  current: CurrentTicket | null,
  messageAt: Date,
  timerMinutes: number,
): TicketDecision {
  if (current === null) {
    return { kind: 'new' };
  }
  const elapsedMs = messageAt.getTime() - current.lastCustomerMessageAt.getTime();
  if (elapsedMs >= timerMinutes * 60_000) {
    return { kind: 'new' };
  }
  return current.status === 'open'
    ? { kind: 'join', ticketId: current.ticketId }
    : { kind: 'reopen', ticketId: current.ticketId };
}
