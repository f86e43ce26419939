import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';

import { OutboundReplyRef } from './outbound-reply-ref';

export const TYPING_COMMANDS = ['Typing', 'CancelTyping'] as const;
export type TypingCommand = (typeof TYPING_COMMANDS)[number];

/**
 * An agent started or stopped typing: WeChat's typing indicator (custom/typing) may show it.
 * Fire and forget; `replyId` names this request, not a reply. The `last…At` fields are the
 * desk's view of the customer, as in outbound.reply.requested.v1.
 */
export class OutboundTypingRequestedV1 extends OutboundReplyRef {
  @IsUUID()
  agentId!: string;

  @IsIn(TYPING_COMMANDS)
  command!: TypingCommand;

  @IsOptional()
  @IsISO8601()
  lastCustomerMessageAt?: string;

  @IsOptional()
  @IsISO8601()
  lastPromptAt?: string;

  /** The customer's latest message or event of any kind: WeChat shows typing only within 30 s of one. */
  @IsOptional()
  @IsISO8601()
  lastInteractionAt?: string;

  @IsISO8601()
  requestedAt!: string;
}
