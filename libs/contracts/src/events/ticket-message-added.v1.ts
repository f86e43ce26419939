import { IsUUID } from 'class-validator';

import { MessageSnapshot } from './message-snapshot';

/** A recorded message joined a ticket; carries the message so readers need no second lookup. */
export class TicketMessageAddedV1 extends MessageSnapshot {
  @IsUUID()
  ticketId!: string;
}
