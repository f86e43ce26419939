import { IsString, IsUUID } from 'class-validator';

/** Names one agent reply and where it goes; every outbound event carries it. */
export abstract class OutboundReplyRef {
  @IsUUID()
  replyId!: string;

  @IsUUID()
  ticketId!: string;

  @IsUUID()
  channelId!: string;

  @IsString()
  openId!: string;
}
