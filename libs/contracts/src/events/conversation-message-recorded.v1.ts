import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

import { MessageSnapshot } from './message-snapshot';

export { MESSAGE_DIRECTIONS, type MessageDirection } from './message-snapshot';

/** A message stored once in a conversation (inbound from WeChat, or an agent's reply). */
export class ConversationMessageRecordedV1 extends MessageSnapshot {
  @IsUUID()
  contactId!: string;

  @IsString()
  openId!: string;

  @IsOptional()
  @Matches(/^\d{1,20}$/)
  wechatMsgId?: string;
}
