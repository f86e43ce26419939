import { randomBytes } from 'node:crypto';

import { bare, type XmlElement, writeXmlDocument } from './xml';

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
}

export interface ImageMessageInput extends MessageHeader {
  picUrl: string;
  mediaId: string;
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

/** Ordinary messages end with MsgId. */
function messageXml(header: MessageHeader, msgType: string, fields: readonly XmlElement[]): string {
  assertMsgId(header.msgId);
  return pushXml(header, msgType, [...fields, ['MsgId', bare(header.msgId)]]);
}

export function textMessage(input: TextMessageInput): string {
  return messageXml(input, 'text', [['Content', input.content]]);
}

export function imageMessage(input: ImageMessageInput): string {
  return messageXml(input, 'image', [
    ['PicUrl', input.picUrl],
    ['MediaId', input.mediaId],
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
  return pushXml(input, 'event', [
    ['Event', 'unsubscribe'],
    ['EventKey', ''],
  ]);
}
