import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

import { MESSAGE_DIRECTIONS, type MessageDirection } from './conversation-message-recorded.v1';

/** A recorded message joined a ticket; carries the message so readers need no second lookup. */
export class TicketMessageAddedV1 {
  @IsUUID()
  ticketId!: string;

  @IsUUID()
  messageId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(MESSAGE_DIRECTIONS)
  direction!: MessageDirection;

  @Matches(/^[a-z_]{1,32}$/)
  type!: string;

  @IsOptional()
  @IsString()
  text?: string;

  @IsISO8601()
  sentAt!: string;
}
