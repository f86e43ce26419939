import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
} from 'class-validator';

export const TICKET_STATUSES = ['open', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * A customer's message opened a ticket. The opening message travels with the ticket (the
 * `firstMessage*` fields, flat: the catalogue validates one level only), so readers project both
 * at once; later messages come as ticket.message.added.v1, and none comes for this one.
 */
export class TicketCreatedV1 {
  @IsUUID()
  ticketId!: string;

  @IsInt()
  @Min(1)
  number!: number;

  @IsUUID()
  channelId!: string;

  @IsUUID()
  departmentId!: string;

  @IsUUID()
  contactId!: string;

  @IsString()
  openId!: string;

  @IsIn(TICKET_STATUSES)
  status!: TicketStatus;

  @IsISO8601()
  createdAt!: string;

  /** The opening message, an inbound one from the customer (as MessageSnapshot.messageId). */
  @IsUUID()
  firstMessageId!: string;

  /** As MessageSnapshot.type. */
  @Matches(/^[a-z_]{1,32}$/)
  firstMessageType!: string;

  @IsOptional()
  @IsString()
  firstMessageText?: string;

  /** WeChat's CreateTime of the opening message. */
  @IsISO8601()
  firstMessageSentAt!: string;
}
