import { IsISO8601, IsString, IsUUID } from 'class-validator';

export class OutboundReplySentV1 {
  @IsUUID()
  replyId!: string;

  @IsUUID()
  ticketId!: string;

  @IsUUID()
  channelId!: string;

  @IsString()
  openId!: string;

  @IsISO8601()
  sentAt!: string;
}
