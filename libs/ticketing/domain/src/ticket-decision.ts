export const DEFAULT_CONVERSION_TIMER_MINUTES = 1_440;

export type TicketStatus = 'open' | 'closed';

/** A ticket of the customer as the decision sees it: its span of customer messages (CreateTime). */
export interface TicketSpan {
  ticketId: string;
  status: TicketStatus;
  /** CreateTime of the customer's earliest message in this ticket. */
  firstCustomerMessageAt: Date;
  /** CreateTime of the customer's latest message in this ticket. */
  lastCustomerMessageAt: Date;
}

/** The customer's tickets around a message's CreateTime. */
export interface TicketsAroundMessage {
  /** The ticket with the latest first message at or before the message, if any. */
  previous: TicketSpan | null;
  /** The ticket with the earliest first message after the message, if any. */
  next: TicketSpan | null;
  /** The customer's ticket with the latest first message (the current conversation), if any. */
  latestTicketId: string | null;
}

export type TicketDecision =
  { kind: 'new' } | { kind: 'join'; ticketId: string } | { kind: 'reopen'; ticketId: string };

const MINUTE_MS = 60_000;

/**
 * The conversion timer, on WeChat's CreateTime: a message joins the ticket whose customer messages
 * it follows by less than the timer, else the ticket it precedes by less than the timer, else it
 * starts a new ticket. Elapsed exactly equal to the timer counts as elapsed.
 *
 * Deciding on the neighbouring tickets in CreateTime (not on the latest ticket) makes late or
 * reordered processing group messages as in-order processing would: a message older than a
 * ticket's first one, within the timer, is the message that would have opened that ticket.
 *
 * Tickets are never merged: a late message that falls in a gap between two tickets, within the
 * timer of both, joins the earlier one (`previous`).
 *
 * A closed ticket that a message joins is reopened only if it is the customer's latest ticket. A
 * late message landing in an older closed ticket joins it without reopening: the conversation
 * has since moved on to a newer ticket, where the agent is answering.
 *
 * `timerMinutes` is the timer in force now: a change applies to decisions made after it.
 */
export function decideTicket(
  around: TicketsAroundMessage,
  messageAt: Date,
  timerMinutes: number,
): TicketDecision {
  const timerMs = timerMinutes * MINUTE_MS;
  const at = messageAt.getTime();
  const { previous, next } = around;
  // A message at or before `previous`'s last one gives a negative elapsed time: it joins.
  const joined =
    previous !== null && at - previous.lastCustomerMessageAt.getTime() < timerMs
      ? previous
      : next !== null && next.firstCustomerMessageAt.getTime() - at < timerMs
        ? next
        : null;
  if (joined === null) {
    return { kind: 'new' };
  }
  return joined.status === 'closed' && joined.ticketId === around.latestTicketId
    ? { kind: 'reopen', ticketId: joined.ticketId }
    : { kind: 'join', ticketId: joined.ticketId };
}
