import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

import { WechatPushHeader } from './wechat-push-header';

/** A WeChat event push (MsgType=event): follow, menu, scan, location and the rest. */
export class WechatEventReceivedV1 extends WechatPushHeader {
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
