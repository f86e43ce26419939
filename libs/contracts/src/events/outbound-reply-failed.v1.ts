import { IsInt, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { OutboundReplyRef } from './outbound-reply-ref';

export class OutboundReplyFailedV1 extends OutboundReplyRef {
  /** Stable, machine-readable reason (e.g. WECHAT_REFUSED, CHANNEL_UNKNOWN, OUTCOME_UNKNOWN). */
  @Matches(/^[A-Z][A-Z0-9_]*$/)
  code!: string;

  /** The reason in words, for the agent. */
  @IsString()
  @MaxLength(500)
  message!: string;

  @IsOptional()
  @IsInt()
  wechatErrcode?: number;

  @IsISO8601()
  failedAt!: string;
}
