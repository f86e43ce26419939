import { IsInt, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';

/** What every inbound WeChat push carries: whose account, which user, when. */
export abstract class WechatPushHeader {
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
}
