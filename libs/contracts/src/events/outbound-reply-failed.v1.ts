import {
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

export class OutboundReplyFailedV1 {
  @IsUUID()
  replyId!: string;

  @IsUUID()
  ticketId!: string;

  @IsUUID()
  channelId!: string;

  @IsString()
  openId!: string;

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
