import { IsObject, IsOptional, IsString, Matches } from 'class-validator';

import { WechatPushHeader } from './wechat-push-header';

/** An ordinary (non-event) message a WeChat user sent, verified and decrypted by the ingress. */
export class WechatMessageReceivedV1 extends WechatPushHeader {
  /** 64-bit: always a string. */
  @Matches(/^\d{1,20}$/)
  msgId!: string;

  @Matches(/^[a-z_]{1,32}$/)
  msgType!: string;

  @IsOptional()
  @IsString()
  content?: string;

  /** Every top-level field of the push as WeChat sent it, values as strings. */
  @IsObject()
  fields!: Record<string, string>;
}
