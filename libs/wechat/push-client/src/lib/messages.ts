import { randomBytes } from 'node:crypto';

import { bare, type XmlElement, type XmlValue, writeXmlDocument } from './xml';

/** Header every push carries: WeChat sends to the account (gh_ id) from the user (OpenID). */
export interface PushHeader {
  /** The account's original id (`gh_…`). */
  toUserName: string;
  /** The sender's OpenID. */
  fromUserName: string;
  /** Unix seconds; defaults to now. */
  createTime?: number;
}

/** Ordinary messages carry a 64-bit MsgId, kept as a decimal string (it overflows JS numbers). */
export interface MessageHeader extends PushHeader {
  msgId: string;
}

export interface TextMessageInput extends MessageHeader {
  content: string;
  /** Only when the message quotes or comments an article. */
  msgDataId?: string;
  /** Which article of a multi-article send (with msgDataId). */
  idx?: number;
  /** The option the user tapped in a msgmenu message (`bizmsgmenuid`). */
  bizMsgMenuId?: string;
}

export interface ImageMessageInput extends MessageHeader {
  picUrl: string;
  mediaId: string;
}

export interface VoiceMessageInput extends MessageHeader {
  mediaId: string;
  /** amr, speex… */
  format: string;
  /** The 16 kHz copy of newer pushes. */
  mediaId16K?: string;
  /** Legacy speech recognition; today it mostly arrives empty. */
  recognition?: string;
}

/** Video and short video messages. */
export interface VideoMessageInput extends MessageHeader {
  mediaId: string;
  thumbMediaId: string;
}

export interface LocationMessageInput extends MessageHeader {
  /** Location_X */
  latitude: number;
  /** Location_Y */
  longitude: number;
  scale: number;
  label: string;
}

export interface LinkMessageInput extends MessageHeader {
  title: string;
  description: string;
  url: string;
}

export interface SubscribeEventInput extends PushHeader {
  /** `qrscene_<scene>` when the follow came from a parametric QR code. */
  eventKey?: string;
  ticket?: string;
}

export type UnsubscribeEventInput = PushHeader;

export interface ScanEventInput extends PushHeader {
  /** The QR code's scene id or scene string. */
  eventKey: string;
  ticket?: string;
}

export interface LocationEventInput extends PushHeader {
  latitude: number;
  longitude: number;
  precision: number;
}

/** CLICK and the other menu buttons that carry only their key. */
export interface MenuEventInput extends PushHeader {
  eventKey: string;
}

export interface ViewEventInput extends PushHeader {
  /** The menu link (sent as EventKey). */
  url: string;
  menuId?: string;
}

export interface ScanCodeEventInput extends MenuEventInput {
  /** qrcode, barcode… */
  scanType: string;
  scanResult: string;
}

export interface PicEventInput extends MenuEventInput {
  picMd5Sums: readonly string[];
  /** Defaults to the number of picMd5Sums. */
  count?: number;
}

export interface LocationSelectEventInput extends MenuEventInput {
  latitude: number;
  longitude: number;
  scale: number;
  label: string;
  poiName?: string;
}

export interface KfSessionEventInput extends PushHeader {
  kfAccount: string;
}

export interface KfSwitchSessionEventInput extends PushHeader {
  fromKfAccount: string;
  toKfAccount: string;
}

export interface TemplateSendJobFinishEventInput extends PushHeader {
  /** MsgID of the template send (64-bit, decimal). */
  msgId: string;
  /** `success`, `failed:user block`, `failed: system failed`. */
  status: string;
}

export interface MassSendJobFinishEventInput extends TemplateSendJobFinishEventInput {
  totalCount?: number;
  filterCount?: number;
  sentCount?: number;
  errorCount?: number;
}

/** Any other message type, with the elements that follow MsgType (MsgId is added last). */
export interface UnknownMessageInput extends MessageHeader {
  msgType: string;
  elements?: readonly XmlElement[];
}

/** Any other event, with the elements that follow Event. */
export interface UnknownEventInput extends PushHeader {
  event: string;
  elements?: readonly XmlElement[];
}

export function unixSeconds(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}

/** A random 63-bit decimal id shaped like WeChat's MsgId (mostly 18-19 digits). */
export function randomMsgId(): string {
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}

function assertMsgId(msgId: string): void {
  if (!/^\d{1,20}$/.test(msgId)) {
    throw new Error(`msgId must be a decimal string, got ${JSON.stringify(msgId)}`);
  }
}

function assertCreateTime(createTime: number): void {
  if (!Number.isSafeInteger(createTime) || createTime < 0) {
    throw new Error(`createTime must be unix seconds, got ${createTime}`);
  }
}

/** Common header first, then the type's own fields, in WeChat's element order. */
function pushXml(header: PushHeader, msgType: string, fields: readonly XmlElement[]): string {
  const createTime = header.createTime ?? unixSeconds();
  assertCreateTime(createTime);
  return writeXmlDocument([
    ['ToUserName', header.toUserName],
    ['FromUserName', header.fromUserName],
    ['CreateTime', bare(createTime)],
    ['MsgType', msgType],
    ...fields,
  ]);
}

/** Ordinary messages end with MsgId, then any fields WeChat appends after it. */
function messageXml(
  header: MessageHeader,
  msgType: string,
  fields: readonly XmlElement[],
  afterMsgId: readonly XmlElement[] = [],
): string {
  assertMsgId(header.msgId);
  return pushXml(header, msgType, [...fields, ['MsgId', bare(header.msgId)], ...afterMsgId]);
}

function eventXml(header: PushHeader, event: string, fields: readonly XmlElement[]): string {
  return pushXml(header, 'event', [['Event', event], ...fields]);
}

/** The element when the value is given, nothing otherwise. */
function optional(name: string, value: XmlValue | undefined): XmlElement[] {
  return value === undefined ? [] : [[name, value]];
}

/** Ids WeChat writes bare when numeric (MenuId, bizmsgmenuid) and as CDATA otherwise. */
function idValue(value: string): XmlValue {
  return /^\d+$/.test(value) ? bare(value) : value;
}

export function textMessage(input: TextMessageInput): string {
  if (input.msgDataId !== undefined) {
    assertMsgId(input.msgDataId);
  }
  return messageXml(
    input,
    'text',
    [['Content', input.content]],
    [
      ...optional('MsgDataId', input.msgDataId === undefined ? undefined : bare(input.msgDataId)),
      ...optional('Idx', input.idx === undefined ? undefined : bare(input.idx)),
      ...optional(
        'bizmsgmenuid',
        input.bizMsgMenuId === undefined ? undefined : idValue(input.bizMsgMenuId),
      ),
    ],
  );
}

export function imageMessage(input: ImageMessageInput): string {
  return messageXml(input, 'image', [
    ['PicUrl', input.picUrl],
    ['MediaId', input.mediaId],
  ]);
}

export function voiceMessage(input: VoiceMessageInput): string {
  return messageXml(
    input,
    'voice',
    [
      ['MediaId', input.mediaId],
      ['Format', input.format],
      ...optional('Recognition', input.recognition),
    ],
    optional('MediaId16K', input.mediaId16K),
  );
}

export function videoMessage(input: VideoMessageInput): string {
  return messageXml(input, 'video', [
    ['MediaId', input.mediaId],
    ['ThumbMediaId', input.thumbMediaId],
  ]);
}

export function shortVideoMessage(input: VideoMessageInput): string {
  return messageXml(input, 'shortvideo', [
    ['MediaId', input.mediaId],
    ['ThumbMediaId', input.thumbMediaId],
  ]);
}

export function locationMessage(input: LocationMessageInput): string {
  return messageXml(input, 'location', [
    ['Location_X', bare(input.latitude)],
    ['Location_Y', bare(input.longitude)],
    ['Scale', bare(input.scale)],
    ['Label', input.label],
  ]);
}

export function linkMessage(input: LinkMessageInput): string {
  return messageXml(input, 'link', [
    ['Title', input.title],
    ['Description', input.description],
    ['Url', input.url],
  ]);
}

export function subscribeEvent(input: SubscribeEventInput): string {
  // A plain follow still carries an empty EventKey; Ticket only comes with a QR-code follow.
  const fields: XmlElement[] = [
    ['Event', 'subscribe'],
    ['EventKey', input.eventKey ?? ''],
  ];
  if (input.ticket !== undefined) {
    fields.push(['Ticket', input.ticket]);
  }
  return pushXml(input, 'event', fields);
}

export function unsubscribeEvent(input: UnsubscribeEventInput): string {
  return eventXml(input, 'unsubscribe', [['EventKey', '']]);
}

export function scanEvent(input: ScanEventInput): string {
  return eventXml(input, 'SCAN', [
    ['EventKey', input.eventKey],
    ...optional('Ticket', input.ticket),
  ]);
}

export function locationEvent(input: LocationEventInput): string {
  return eventXml(input, 'LOCATION', [
    ['Latitude', bare(input.latitude)],
    ['Longitude', bare(input.longitude)],
    ['Precision', bare(input.precision)],
  ]);
}

export function clickEvent(input: MenuEventInput): string {
  return eventXml(input, 'CLICK', [['EventKey', input.eventKey]]);
}

export function viewEvent(input: ViewEventInput): string {
  return eventXml(input, 'VIEW', [
    ['EventKey', input.url],
    ...optional('MenuId', input.menuId === undefined ? undefined : idValue(input.menuId)),
  ]);
}

function scanCodeEvent(event: string, input: ScanCodeEventInput): string {
  return eventXml(input, event, [
    ['EventKey', input.eventKey],
    [
      'ScanCodeInfo',
      [
        ['ScanType', input.scanType],
        ['ScanResult', input.scanResult],
      ],
    ],
  ]);
}

export function scancodePushEvent(input: ScanCodeEventInput): string {
  return scanCodeEvent('scancode_push', input);
}

export function scancodeWaitmsgEvent(input: ScanCodeEventInput): string {
  return scanCodeEvent('scancode_waitmsg', input);
}

function picEvent(event: string, input: PicEventInput): string {
  return eventXml(input, event, [
    ['EventKey', input.eventKey],
    [
      'SendPicsInfo',
      [
        ['Count', bare(input.count ?? input.picMd5Sums.length)],
        ['PicList', input.picMd5Sums.map((sum): XmlElement => ['item', [['PicMd5Sum', sum]]])],
      ],
    ],
  ]);
}

export function picSysphotoEvent(input: PicEventInput): string {
  return picEvent('pic_sysphoto', input);
}

export function picPhotoOrAlbumEvent(input: PicEventInput): string {
  return picEvent('pic_photo_or_album', input);
}

export function picWeixinEvent(input: PicEventInput): string {
  return picEvent('pic_weixin', input);
}

/** WeChat's own example writes these coordinates as CDATA, unlike the location message. */
export function locationSelectEvent(input: LocationSelectEventInput): string {
  return eventXml(input, 'location_select', [
    ['EventKey', input.eventKey],
    [
      'SendLocationInfo',
      [
        ['Location_X', String(input.latitude)],
        ['Location_Y', String(input.longitude)],
        ['Scale', String(input.scale)],
        ['Label', input.label],
        ...optional('Poiname', input.poiName),
      ],
    ],
  ]);
}

export function kfCreateSessionEvent(input: KfSessionEventInput): string {
  return eventXml(input, 'kf_create_session', [['KfAccount', input.kfAccount]]);
}

export function kfCloseSessionEvent(input: KfSessionEventInput): string {
  return eventXml(input, 'kf_close_session', [['KfAccount', input.kfAccount]]);
}

export function kfSwitchSessionEvent(input: KfSwitchSessionEventInput): string {
  return eventXml(input, 'kf_switch_session', [
    ['FromKfAccount', input.fromKfAccount],
    ['ToKfAccount', input.toKfAccount],
  ]);
}

export function templateSendJobFinishEvent(input: TemplateSendJobFinishEventInput): string {
  assertMsgId(input.msgId);
  return eventXml(input, 'TEMPLATESENDJOBFINISH', [
    ['MsgID', bare(input.msgId)],
    ['Status', input.status],
  ]);
}

export function massSendJobFinishEvent(input: MassSendJobFinishEventInput): string {
  assertMsgId(input.msgId);
  const count = (name: string, value: number | undefined): XmlElement[] =>
    optional(name, value === undefined ? undefined : bare(value));
  return eventXml(input, 'MASSSENDJOBFINISH', [
    ['MsgID', bare(input.msgId)],
    ['Status', input.status],
    ...count('TotalCount', input.totalCount),
    ...count('FilterCount', input.filterCount),
    ...count('SentCount', input.sentCount),
    ...count('ErrorCount', input.errorCount),
  ]);
}

/** A message type the receiver may not know (e.g. a future one): it must still be accepted. */
export function unknownMessage(input: UnknownMessageInput): string {
  return messageXml(input, input.msgType, input.elements ?? []);
}

/** An event the receiver may not know (view_miniprogram, subscribe_msg_popup_event…). */
export function unknownEvent(input: UnknownEventInput): string {
  return eventXml(input, input.event, input.elements ?? []);
}
