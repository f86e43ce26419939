import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

/** A WeChat event push (MsgType=event): follow, menu, scan, location and the rest. */
export class WechatEventReceivedV1 {
  @IsUUID()
  channelId!: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  openId!: string;

  @IsString()
  @MaxLength(64)
  originalId!: string;

  @IsInt()
  @Min(0)
  createTime!: number;

  @IsString()
  @MaxLength(64)
  event!: string;

  @IsOptional()
  @IsString()
  eventKey?: string;

  /** channel + user + CreateTime + event + key: WeChat's retries of one event share it. */
  @IsString()
  @MaxLength(600)
  dedupeKey!: string;

  @IsObject()
  fields!: Record<string, unknown>;
}
