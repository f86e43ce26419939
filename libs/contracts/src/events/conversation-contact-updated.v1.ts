import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';

/**
 * A contact's state after an event (follow, unfollow, menu, scan, location…): with
 * conversation.message.recorded.v1 (when the customer wrote), what the reply window is computed
 * from. Always the whole state, each time a maximum by WeChat's CreateTime, so consumers may apply
 * copies in any order (keep the later of each timestamp; `following` goes with
 * `followingChangedAt`). Messages do not send it: message.recorded already carries their time.
 */
export class ConversationContactUpdatedV1 {
  @IsUUID()
  contactId!: string;

  @IsUUID()
  channelId!: string;

  @IsString()
  openId!: string;

  /** Unknown (absent) until a subscribe or unsubscribe event is seen. */
  @IsOptional()
  @IsBoolean()
  following?: boolean;

  @IsOptional()
  @IsISO8601()
  followingChangedAt?: string;

  /** CreateTime of the customer's latest message: the 48-hour window runs from it. */
  @IsOptional()
  @IsISO8601()
  lastCustomerMessageAt?: string;

  /** CreateTime of the latest follow, menu click or QR scan (WeChat's 1-minute window since 2023). */
  @IsOptional()
  @IsISO8601()
  lastPromptAt?: string;

  /** CreateTime of the latest message or event of any kind. */
  @IsISO8601()
  lastInteractionAt!: string;
}
