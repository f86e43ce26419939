/** The ticket's creation has not been projected yet (events race); the transport retries later. */
export class TicketNotProjectedYetError extends Error {
  override name = 'TicketNotProjectedYetError';

  constructor(ticketId: string) {
    super(`Ticket ${ticketId} is not projected yet`);
  }
}
