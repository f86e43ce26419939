import { assertNever } from '@wechat-desk/shared/util';
import {
  clickEvent,
  imageMessage,
  kfCloseSessionEvent,
  kfCreateSessionEvent,
  kfSwitchSessionEvent,
  linkMessage,
  locationEvent,
  locationMessage,
  locationSelectEvent,
  massSendJobFinishEvent,
  picPhotoOrAlbumEvent,
  picSysphotoEvent,
  picWeixinEvent,
  type PushHeader,
  scancodePushEvent,
  scancodeWaitmsgEvent,
  scanEvent,
  shortVideoMessage,
  subscribeEvent,
  templateSendJobFinishEvent,
  textMessage,
  unknownEvent,
  unknownMessage,
  unsubscribeEvent,
  videoMessage,
  viewEvent,
  voiceMessage,
  type XmlElement,
} from '@wechat-desk/wechat/push-client';

import { UsageError } from './usage-error';

/** Ordinary messages (MsgType) the CLI can push, in WeChat's spelling. */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'voice',
  'video',
  'shortvideo',
  'location',
  'link',
] as const;

/** Events (MsgType=event) the CLI can push, in WeChat's spelling. */
export const EVENT_TYPES = [
  'subscribe',
  'unsubscribe',
  'SCAN',
  'LOCATION',
  'CLICK',
  'VIEW',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'kf_create_session',
  'kf_close_session',
  'kf_switch_session',
  'TEMPLATESENDJOBFINISH',
  'MASSSENDJOBFINISH',
] as const;

type KnownPushType = (typeof MESSAGE_TYPES)[number] | (typeof EVENT_TYPES)[number];

/** A known type, or any other MsgType / Event (`message:<MsgType>`, `event:<Event>`). */
export type PushType =
  | { kind: 'known'; name: KnownPushType }
  | { kind: 'message'; name: string }
  | { kind: 'event'; name: string };

const KNOWN: readonly KnownPushType[] = [...MESSAGE_TYPES, ...EVENT_TYPES];

/** Exact names first; otherwise a case-insensitive match when only one fits (location ≠ LOCATION). */
export function parsePushType(value: string): PushType {
  const custom = /^(message|event):(.+)$/.exec(value);
  if (custom !== null) {
    return custom[1] === 'message'
      ? { kind: 'message', name: custom[2] }
      : { kind: 'event', name: custom[2] };
  }
  const exact = KNOWN.find((name) => name === value);
  const loose = KNOWN.filter((name) => name.toLowerCase() === value.toLowerCase());
  const name = exact ?? (loose.length === 1 ? loose[0] : undefined);
  if (name === undefined) {
    throw new UsageError(
      `--type must be one of ${KNOWN.join(', ')}, message:<MsgType> or event:<Event>`,
    );
  }
  return { kind: 'known', name };
}

export function pushTypeName(type: PushType): string {
  return type.kind === 'known' ? type.name : `${type.kind}:${type.name}`;
}

/** Carries a MsgId (ordinary messages) or a MsgID (send-job events). */
export function takesMsgId(type: PushType): boolean {
  if (type.kind !== 'known') {
    return type.kind === 'message';
  }
  return (
    (MESSAGE_TYPES as readonly string[]).includes(type.name) ||
    type.name === 'TEMPLATESENDJOBFINISH' ||
    type.name === 'MASSSENDJOBFINISH'
  );
}

/** `--field name=value` values; each type reads the ones it knows, the rest is a usage error. */
export class FieldValues {
  private readonly read = new Set<string>();

  constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(pairs: readonly string[]): FieldValues {
    const values = new Map<string, string>();
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      if (at < 1) {
        throw new UsageError(`--field must be name=value, got ${JSON.stringify(pair)}`);
      }
      values.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return new FieldValues(values);
  }

  optional(name: string): string | undefined {
    this.read.add(name);
    return this.values.get(name);
  }

  text(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  optionalNumber(name: string): number | undefined {
    const value = this.optional(name);
    if (value === undefined) {
      return undefined;
    }
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) {
      throw new UsageError(`--field ${name} must be a number`);
    }
    return parsed;
  }

  number(name: string, fallback: number): number {
    return this.optionalNumber(name) ?? fallback;
  }

  /** Comma-separated; empty for an empty value. */
  list(name: string, fallback: readonly string[]): readonly string[] {
    const value = this.optional(name);
    if (value === undefined) {
      return fallback;
    }
    return value === '' ? [] : value.split(',');
  }

  /** Every field, in the order given: an unknown type gets them all as XML elements. */
  all(): XmlElement[] {
    return [...this.values].map(([name, value]) => {
      this.read.add(name);
      return [name, value];
    });
  }

  assertAllRead(type: string): void {
    const unread = [...this.values.keys()].filter((name) => !this.read.has(name));
    if (unread.length > 0) {
      const known = [...this.read].join(', ') || 'none';
      throw new UsageError(`${type} has no field ${unread.join(', ')} (its fields: ${known})`);
    }
  }
}

export interface PushSource {
  type: PushType;
  header: PushHeader;
  /** For ordinary messages and send-job events. */
  msgId: string;
  /** The content of a text message (--text). */
  text: string | undefined;
  fields: FieldValues;
}

/**
 * The inner XML of one push of the given type. Fields not given get plausible defaults, so that
 * `--type image` alone is enough; `--field` sets any of them.
 */
export function buildInnerXml(source: PushSource): string {
  let xml: string;
  try {
    xml = innerXml(source);
  } catch (error: unknown) {
    // The builders refuse values WeChat could not send (a non-numeric MsgDataId…): a usage error.
    throw error instanceof UsageError
      ? error
      : new UsageError(error instanceof Error ? error.message : String(error));
  }
  source.fields.assertAllRead(pushTypeName(source.type));
  return xml;
}

function innerXml({ type, header, msgId, text, fields: f }: PushSource): string {
  if (type.kind === 'message') {
    return unknownMessage({ ...header, msgId, msgType: type.name, elements: f.all() });
  }
  if (type.kind === 'event') {
    return unknownEvent({ ...header, event: type.name, elements: f.all() });
  }
  const message = { ...header, msgId };
  // A function, so only the menu events read (and so accept) an eventKey field.
  const menu = (): PushHeader & { eventKey: string } => ({
    ...header,
    eventKey: f.text('eventKey', 'rselfmenu_0_0'),
  });
  switch (type.name) {
    case 'text':
      if (text === undefined || text === '') {
        throw new UsageError('--text is required');
      }
      return textMessage({
        ...message,
        content: text,
        msgDataId: f.optional('msgDataId'),
        idx: f.optionalNumber('idx'),
        bizMsgMenuId: f.optional('bizMsgMenuId'),
      });
    case 'image':
      return imageMessage({
        ...message,
        picUrl: f.text('picUrl', 'http://mmbiz.qpic.cn/mmbiz_jpg/sim/0'),
        mediaId: f.text('mediaId', `media_${msgId}`),
      });
    case 'voice':
      return voiceMessage({
        ...message,
        mediaId: f.text('mediaId', `media_${msgId}`),
        format: f.text('format', 'amr'),
        mediaId16K: f.optional('mediaId16K'),
        recognition: f.optional('recognition'),
      });
    case 'video':
    case 'shortvideo': {
      const build = type.name === 'video' ? videoMessage : shortVideoMessage;
      return build({
        ...message,
        mediaId: f.text('mediaId', `media_${msgId}`),
        thumbMediaId: f.text('thumbMediaId', `thumb_${msgId}`),
      });
    }
    case 'location':
      return locationMessage({
        ...message,
        latitude: f.number('latitude', 23.134521),
        longitude: f.number('longitude', 113.358803),
        scale: f.number('scale', 20),
        label: f.text('label', '广州市天河区'),
      });
    case 'link':
      return linkMessage({
        ...message,
        title: f.text('title', 'A link'),
        description: f.text('description', ''),
        url: f.text('url', 'https://example.com/'),
      });
    case 'subscribe':
      return subscribeEvent({
        ...header,
        eventKey: f.optional('eventKey'),
        ticket: f.optional('ticket'),
      });
    case 'unsubscribe':
      return unsubscribeEvent(header);
    case 'SCAN':
      return scanEvent({
        ...header,
        eventKey: f.text('eventKey', '123'),
        ticket: f.optional('ticket'),
      });
    case 'LOCATION':
      return locationEvent({
        ...header,
        latitude: f.number('latitude', 23.137466),
        longitude: f.number('longitude', 113.352425),
        precision: f.number('precision', 119.38504),
      });
    case 'CLICK':
      return clickEvent({ ...header, eventKey: f.text('eventKey', 'MENU_HELP') });
    case 'VIEW':
      return viewEvent({
        ...header,
        url: f.text('url', 'https://example.com/'),
        menuId: f.optional('menuId'),
      });
    case 'scancode_push':
    case 'scancode_waitmsg': {
      const build = type.name === 'scancode_push' ? scancodePushEvent : scancodeWaitmsgEvent;
      return build({
        ...menu(),
        scanType: f.text('scanType', 'qrcode'),
        scanResult: f.text('scanResult', 'https://example.com/'),
      });
    }
    case 'pic_sysphoto':
    case 'pic_photo_or_album':
    case 'pic_weixin': {
      const build = {
        pic_sysphoto: picSysphotoEvent,
        pic_photo_or_album: picPhotoOrAlbumEvent,
        pic_weixin: picWeixinEvent,
      }[type.name];
      return build({
        ...menu(),
        picMd5Sums: f.list('picMd5Sums', ['1b5f7c23b5bf75682a53e7b6d163e185']),
        count: f.optionalNumber('count'),
      });
    }
    case 'location_select':
      return locationSelectEvent({
        ...menu(),
        latitude: f.number('latitude', 23),
        longitude: f.number('longitude', 113),
        scale: f.number('scale', 15),
        label: f.text('label', '广州市海珠区客村艺苑路 106号'),
        poiName: f.optional('poiName'),
      });
    case 'kf_create_session':
      return kfCreateSessionEvent({ ...header, kfAccount: f.text('kfAccount', 'kf1@sim') });
    case 'kf_close_session':
      return kfCloseSessionEvent({ ...header, kfAccount: f.text('kfAccount', 'kf1@sim') });
    case 'kf_switch_session':
      return kfSwitchSessionEvent({
        ...header,
        fromKfAccount: f.text('fromKfAccount', 'kf1@sim'),
        toKfAccount: f.text('toKfAccount', 'kf2@sim'),
      });
    case 'TEMPLATESENDJOBFINISH':
      return templateSendJobFinishEvent({ ...header, msgId, status: f.text('status', 'success') });
    case 'MASSSENDJOBFINISH':
      return massSendJobFinishEvent({
        ...header,
        msgId,
        status: f.text('status', 'send success'),
        totalCount: f.optionalNumber('totalCount'),
        filterCount: f.optionalNumber('filterCount'),
        sentCount: f.optionalNumber('sentCount'),
        errorCount: f.optionalNumber('errorCount'),
      });
    default:
      return assertNever(type);
  }
}
