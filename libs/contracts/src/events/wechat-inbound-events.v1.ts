import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import { WechatPushHeader } from './wechat-push-header';

/*
 * One class per Event WeChat pushes with MsgType=event (protocol.md §3.2). Nested XML
 * (ScanCodeInfo, SendPicsInfo, SendLocationInfo) is flattened into plain fields.
 */

const MAX_EVENT_KEY = 1_024;
const MAX_ID = 256;
const MAX_LABEL = 1_024;

const finite = { allowNaN: false, allowInfinity: false } as const;

/**
 * The dedupe key of an event: WeChat's retries of one event share it, two events of one user in
 * the same second do not (protocol.md §3.3). `key` is the EventKey, or MsgID for *JOBFINISH.
 */
export function wechatEventDedupeKey(
  channelId: string,
  openId: string,
  createTime: number,
  event: string,
  key: string,
): string {
  return [channelId, openId, createTime, event, key].join(':');
}

/** What every event carries. */
export abstract class WechatInboundEventBase extends WechatPushHeader {
  abstract event: string;

  /** See wechatEventDedupeKey. */
  @IsString()
  @MinLength(1)
  @MaxLength(1_300)
  dedupeKey!: string;
}

/** The user followed the account; from a parametric QR code when qrScene is set. */
export class WechatSubscribeEventV1 extends WechatInboundEventBase {
  @Equals('subscribe')
  event!: 'subscribe';

  /** EventKey without its `qrscene_` prefix. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_KEY)
  qrScene?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_ID)
  ticket?: string;
}

/** The user unfollowed; WeChat asks to delete that user's data. */
export class WechatUnsubscribeEventV1 extends WechatInboundEventBase {
  @Equals('unsubscribe')
  event!: 'unsubscribe';
}

/** A follower scanned a parametric QR code. */
export class WechatScanEventV1 extends WechatInboundEventBase {
  @Equals('SCAN')
  event!: 'SCAN';

  /** EventKey: the scene id or scene string. */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_KEY)
  sceneKey!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_ID)
  ticket?: string;
}

/** The user's position, reported on entering the chat (when the account asked for it). */
export class WechatLocationEventV1 extends WechatInboundEventBase {
  @Equals('LOCATION')
  event!: 'LOCATION';

  @IsNumber(finite)
  @Min(-90)
  @Max(90)
  latitude!: number;

  @IsNumber(finite)
  @Min(-180)
  @Max(180)
  longitude!: number;

  @IsNumber(finite)
  @Min(0)
  precision!: number;
}

abstract class WechatMenuEventBase extends WechatInboundEventBase {
  /** The menu button's key. */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_KEY)
  eventKey!: string;
}

/** A "click" menu button. */
export class WechatClickEventV1 extends WechatMenuEventBase {
  @Equals('CLICK')
  event!: 'CLICK';
}

/** A menu link was opened. */
export class WechatViewEventV1 extends WechatInboundEventBase {
  @Equals('VIEW')
  event!: 'VIEW';

  /** EventKey; kept as text, WeChat does not promise a well-formed URL. */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EVENT_KEY)
  url!: string;

  /** Set for personalised menus. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ID)
  menuId?: string;
}

abstract class WechatScanCodeEventBase extends WechatMenuEventBase {
  /** ScanCodeInfo.ScanType, e.g. qrcode, barcode. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  scanType!: string;

  /** ScanCodeInfo.ScanResult: what the code said. */
  @IsString()
  @MaxLength(MAX_EVENT_KEY * 4)
  scanResult!: string;
}

/** A scan-code menu button; WeChat handled the result itself. */
export class WechatScancodePushEventV1 extends WechatScanCodeEventBase {
  @Equals('scancode_push')
  event!: 'scancode_push';
}

/** A scan-code menu button whose result waits for the account's reply. */
export class WechatScancodeWaitmsgEventV1 extends WechatScanCodeEventBase {
  @Equals('scancode_waitmsg')
  event!: 'scancode_waitmsg';
}

abstract class WechatPicEventBase extends WechatMenuEventBase {
  /** SendPicsInfo.Count */
  @IsInt()
  @Min(0)
  count!: number;

  /** SendPicsInfo.PicList.item[].PicMd5Sum, in WeChat's order. */
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  picMd5Sums!: string[];
}

/** A photo menu button: camera. */
export class WechatPicSysphotoEventV1 extends WechatPicEventBase {
  @Equals('pic_sysphoto')
  event!: 'pic_sysphoto';
}

/** A photo menu button: camera or album. */
export class WechatPicPhotoOrAlbumEventV1 extends WechatPicEventBase {
  @Equals('pic_photo_or_album')
  event!: 'pic_photo_or_album';
}

/** A photo menu button: WeChat's album. */
export class WechatPicWeixinEventV1 extends WechatPicEventBase {
  @Equals('pic_weixin')
  event!: 'pic_weixin';
}

/** A location menu button: the place the user picked (SendLocationInfo). */
export class WechatLocationSelectEventV1 extends WechatMenuEventBase {
  @Equals('location_select')
  event!: 'location_select';

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

  @IsNumber(finite)
  scale!: number;

  @IsString()
  @MaxLength(MAX_LABEL)
  label!: string;

  /** Poiname; often empty. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_LABEL)
  poiName?: string;
}

abstract class WechatKfSessionEventBase extends WechatInboundEventBase {
  /** The built-in customer-service agent, e.g. `test1@test`. */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  kfAccount!: string;
}

/** WeChat's built-in customer service opened a session. */
export class WechatKfCreateSessionEventV1 extends WechatKfSessionEventBase {
  @Equals('kf_create_session')
  event!: 'kf_create_session';
}

/** WeChat's built-in customer service closed a session. */
export class WechatKfCloseSessionEventV1 extends WechatKfSessionEventBase {
  @Equals('kf_close_session')
  event!: 'kf_close_session';
}

/** WeChat's built-in customer service moved a session to another agent. */
export class WechatKfSwitchSessionEventV1 extends WechatInboundEventBase {
  @Equals('kf_switch_session')
  event!: 'kf_switch_session';

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  fromKfAccount!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  toKfAccount!: string;
}

abstract class WechatSendJobFinishEventBase extends WechatInboundEventBase {
  /** MsgID (capital D) of the send job; 64-bit, so a string. */
  @Matches(/^\d{1,20}$/)
  msgId!: string;

  /** `success`, `failed:user block`, `err(30003)`… */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_ID)
  status!: string;
}

/** The outcome of one template message send. */
export class WechatTemplateSendJobFinishEventV1 extends WechatSendJobFinishEventBase {
  @Equals('TEMPLATESENDJOBFINISH')
  event!: 'TEMPLATESENDJOBFINISH';
}

/** The outcome of a mass send, with the counts WeChat reported. */
export class WechatMassSendJobFinishEventV1 extends WechatSendJobFinishEventBase {
  @Equals('MASSSENDJOBFINISH')
  event!: 'MASSSENDJOBFINISH';

  @IsOptional()
  @IsInt()
  @Min(0)
  totalCount?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  filterCount?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  sentCount?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  errorCount?: number;
}

/** Any Event without its own contract yet (view_miniprogram, subscribe_msg_*…): kept whole. */
export class WechatOtherEventV1 extends WechatInboundEventBase {
  /** WeChat's Event as sent. */
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  event!: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_EVENT_KEY)
  eventKey?: string;

  /** The whole parsed push, nested elements included. */
  @IsObject()
  fields!: Record<string, unknown>;
}
