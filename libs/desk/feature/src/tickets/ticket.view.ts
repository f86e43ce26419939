import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { TICKET_STATUSES, type TicketStatus } from '@wechat-desk/contracts';
import type { TicketView as TicketRecord } from '@wechat-desk/desk/data-access';

import type { TicketPageView } from './list-tickets/list-tickets';

export interface TicketView {
  id: string;
  number: number;
  status: TicketStatus;
  channelId: string;
  departmentId: string;
  contact: { id: string; openId: string };
  assigneeId: string | null;
  createdAt: string;
  lastMessageAt: string;
  /** The sending window arrives with the reply policy; null until then. */
  replyWindow: null;
}

@ApiSchema({ name: 'TicketContact', description: 'The WeChat user who wrote' })
class TicketContactDoc implements Readonly<TicketView['contact']> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: "The user's OpenID for this service account" })
  openId!: string;
}

/** TicketView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'Ticket' })
export class TicketDoc implements TicketView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'Sequential, for people' })
  number!: number;

  @ApiProperty({ enum: TICKET_STATUSES })
  status!: TicketStatus;

  @ApiProperty({ format: 'uuid' })
  channelId!: string;

  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty({ type: () => TicketContactDoc })
  contact!: TicketContactDoc;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The sending window; always null until reply policies are enforced',
  })
  replyWindow!: null;
}

@ApiSchema({ name: 'TicketPage' })
export class TicketPageDoc implements TicketPageView {
  @ApiProperty({ type: () => [TicketDoc] })
  items!: TicketDoc[];

  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
}

export function presentTicket(ticket: TicketRecord): TicketView {
  return {
    id: ticket.id,
    number: ticket.number,
    status: ticket.status,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    contact: { id: ticket.contactId, openId: ticket.openId },
    assigneeId: ticket.assigneeId,
    createdAt: ticket.createdAt.toISOString(),
    lastMessageAt: ticket.lastMessageAt.toISOString(),
    replyWindow: null,
  };
}
