import {
  Equals,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import { IsStringRecord } from '../string-record';
import { WechatPushHeader } from './wechat-push-header';

/*
 * One class per MsgType WeChat pushes (protocol.md §3.1). Limits are generous on purpose: a push
 * refused here is lost after WeChat's retries, so they only keep out what cannot be real.
 */

const MAX_TEXT = 20_000;
const MAX_URL = 4_096;
const MAX_ID = 256;
const MAX_LABEL = 1_024;

const finite = { allowNaN: false, allowInfinity: false } as const;

/** What every ordinary message carries; retries of one message share channel + msgId. */
export abstract class WechatInboundMessageBase extends WechatPushHeader {
  /** 64-bit: always a decimal string, never a number (it would round). */
  @Matches(/^\d{1,20}$/)
  msgId!: string;

  abstract msgType: string;
}

export class WechatTextMessageV1 extends WechatInboundMessageBase {
  @Equals('text')
  msgType!: 'text';

  @IsString()
  @MaxLength(MAX_TEXT)
  content!: string;

  /** Only when the message quotes or comments an article. */
  @IsOptional()
  @Matches(/^\d{1,20}$/)
  msgDataId?: string;

  /** Which article of a multi-article send (with msgDataId). */
  @IsOptional()
  @IsInt()
  @Min(0)
  idx?: number;

  /** The option the user tapped in a msgmenu message; `content` is then its text. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  bizMsgMenuId?: string;
}

export class WechatImageMessageV1 extends WechatInboundMessageBase {
  @Equals('image')
  msgType!: 'image';

  /** WeChat's own URL; kept as text since WeChat's URLs are not always well-formed. */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_URL)
  picUrl!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  mediaId!: string;
}

export class WechatVoiceMessageV1 extends WechatInboundMessageBase {
  @Equals('voice')
  msgType!: 'voice';

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  mediaId!: string;

  /** amr, speex… */
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  format!: string;

  /** The 16 kHz copy, when WeChat made one. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ID)
  mediaId16K?: string;

  /** Legacy speech recognition; being retired, so it often arrives empty. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  recognition?: string;
}

abstract class WechatVideoMessageBase extends WechatInboundMessageBase {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  mediaId!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  thumbMediaId!: string;
}

export class WechatVideoMessageV1 extends WechatVideoMessageBase {
  @Equals('video')
  msgType!: 'video';
}

export class WechatShortVideoMessageV1 extends WechatVideoMessageBase {
  @Equals('shortvideo')
  msgType!: 'shortvideo';
}

export class WechatLocationMessageV1 extends WechatInboundMessageBase {
  @Equals('location')
  msgType!: 'location';

  /** Location_X */
  @IsNumber(finite)
  @Min(-90)
  @Max(90)
  latitude!: number;

  /** Location_Y */
  @IsNumber(finite)
  @Min(-180)
  @Max(180)
  longitude!: number;

  /** Map zoom level. */
  @IsNumber(finite)
  scale!: number;

  /** May be empty when WeChat found no place name. */
  @IsString()
  @MaxLength(MAX_LABEL)
  label!: string;
}

export class WechatLinkMessageV1 extends WechatInboundMessageBase {
  @Equals('link')
  msgType!: 'link';

  @IsString()
  @MaxLength(MAX_LABEL)
  title!: string;

  @IsString()
  @MaxLength(MAX_TEXT)
  description!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_URL)
  url!: string;
}

/** Any MsgType without its own contract yet: kept whole, never dropped. */
export class WechatOtherMessageV1 extends WechatInboundMessageBase {
  /** WeChat's MsgType, lowercased. */
  @Matches(/^[a-z_]{1,32}$/)
  msgType!: string;

  /** Every top-level text field of the push, as WeChat sent it. */
  @IsStringRecord()
  fields!: Record<string, string>;
}
