import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

/** A message as readers show it; the events that announce a message carry it whole. */
export abstract class MessageSnapshot {
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

  /** WeChat's CreateTime for inbound messages. */
  @IsISO8601()
  sentAt!: string;
}
