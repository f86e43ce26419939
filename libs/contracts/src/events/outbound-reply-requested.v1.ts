import { IsIn, IsISO8601, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

import { OutboundReplyRef } from './outbound-reply-ref';

export const REPLY_TYPES = ['text'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** An agent's reply to send; `replyId` makes the send happen at most once. */
export class OutboundReplyRequestedV1 extends OutboundReplyRef {
  @IsUUID()
  agentId!: string;

  @IsIn(REPLY_TYPES)
  type!: ReplyType;

  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text!: string;

  @IsISO8601()
  requestedAt!: string;
}
