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

/** An ordinary (non-event) message a WeChat user sent, verified and decrypted by the ingress. */
export class WechatMessageReceivedV1 {
  @IsUUID()
  channelId!: string;

  /** FromUserName: the sender's OpenID for this account. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  openId!: string;

  /** ToUserName: the account's original id. */
  @IsString()
  @MaxLength(64)
  originalId!: string;

  /** WeChat's CreateTime, unix seconds. */
  @IsInt()
  @Min(0)
  createTime!: number;

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
