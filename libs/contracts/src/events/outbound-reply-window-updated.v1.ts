import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';

/**
 * Outbound's counters for one customer after a send, a slot given back or a refusal by WeChat.
 * The desk decides the reply window from them with the same rules outbound applies. A counter
 * belongs to the window it names (`…OpenedAt`) and to `monthKey`: against a newer window or
 * month it counts zero. Copies may arrive in any order: keep the highest `version`.
 */
export class OutboundReplyWindowUpdatedV1 {
  @IsUUID()
  channelId!: string;

  @IsString()
  openId!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @IsOptional()
  @IsISO8601()
  customerWindowOpenedAt?: string;

  @IsInt()
  @Min(0)
  customerWindowUsed!: number;

  @IsOptional()
  @IsISO8601()
  promptWindowOpenedAt?: string;

  @IsInt()
  @Min(0)
  promptWindowUsed!: number;

  @Matches(/^\d{4}-\d{2}$/)
  monthKey!: string;

  @IsInt()
  @Min(0)
  monthlyUsed!: number;

  /** WeChat answered 45015/45047: every window opened at or before this is closed. */
  @IsOptional()
  @IsISO8601()
  wechatRefusedAt?: string;

  @IsISO8601()
  updatedAt!: string;
}
