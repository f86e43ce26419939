import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** A message stored once in a conversation (inbound from WeChat, or an agent's reply). */
export class ConversationMessageRecordedV1 {
  @IsUUID()
  messageId!: string;

  @IsUUID()
  channelId!: string;

  @IsUUID()
  contactId!: string;

  @IsString()
  openId!: string;

  @IsIn(MESSAGE_DIRECTIONS)
  direction!: MessageDirection;

  @Matches(/^[a-z_]{1,32}$/)
  type!: string;

  @IsOptional()
  @IsString()
  text?: string;

  /** WeChat's CreateTime for inbound messages. */
  @IsISO8601()
  sentAt!: string;

  @IsOptional()
  @Matches(/^\d{1,20}$/)
  wechatMsgId?: string;
}
