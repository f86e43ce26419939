import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { TICKET_STATUSES, type TicketStatus } from '@wechat-desk/contracts';
import type { TicketView as TicketRecord } from '@wechat-desk/desk/data-access';

import type { TicketPageView } from './list-tickets/list-tickets';
import type { TicketReplyWindow } from './reply-window/reply-window.view';

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
  /** What the next reply can do (GET /tickets/:id/reply-window); null in live-stream events. */
  replyWindow: TicketReplyWindow | null;
}

@ApiSchema({ name: 'ReplyWindowMonthly' })
class ReplyWindowMonthlyDoc {
  @ApiProperty({ type: 'integer' })
  limit!: number;

  @ApiProperty({ type: 'integer' })
  used!: number;

  @ApiProperty({ type: 'integer' })
  remaining!: number;
}

@ApiSchema({ name: 'ReplyWindow', description: 'What the next reply to the customer can do' })
export class ReplyWindowDoc implements TicketReplyWindow {
  @ApiProperty({ enum: ['desk-classic', 'wechat-2023'] })
  policy!: TicketReplyWindow['policy'];

  @ApiProperty({
    enum: ['free', 'quota', 'closed'],
    description: 'free: within the window; quota: one of the monthly messages; closed: nothing',
  })
  mode!: TicketReplyWindow['mode'];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  freeUntil!: string | null;

  @ApiProperty({ type: () => ReplyWindowMonthlyDoc })
  monthly!: ReplyWindowMonthlyDoc;

  @ApiProperty({
    required: false,
    enum: ['NEVER_WROTE', 'NOT_FOLLOWING', 'MONTHLY_QUOTA_EXHAUSTED', 'CHANNEL_DISABLED'],
  })
  reason?: TicketReplyWindow['reason'];

  @ApiProperty({
    required: false,
    enum: ['REPLY_WINDOW_CLOSED', 'MONTHLY_QUOTA_EXHAUSTED', 'CHANNEL_DISABLED'],
    description: 'The 409 code a reply gets now',
  })
  code?: TicketReplyWindow['code'];

  @ApiProperty({
    required: false,
    type: 'integer',
    nullable: true,
    description: 'Free sends left in the current window (wechat-2023); null: unlimited',
  })
  freeSendsLeft?: number | null;
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
    type: () => ReplyWindowDoc,
    nullable: true,
    description: 'What the next reply can do; null in live-stream events (GET the ticket)',
  })
  replyWindow!: ReplyWindowDoc | null;
}

@ApiSchema({ name: 'TicketPage' })
export class TicketPageDoc implements TicketPageView {
  @ApiProperty({ type: () => [TicketDoc] })
  items!: TicketDoc[];

  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
}

export function presentTicket(
  ticket: TicketRecord,
  replyWindow: TicketReplyWindow | null = null,
): TicketView {
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
    replyWindow,
  };
}
