import {
  createEnvelope,
  type EventPayload,
  RoutingKeys,
  validateEventData,
  WECHAT_EVENT_KEYS,
  WECHAT_MESSAGE_TYPE_KEYS,
  wechatEventDedupeKey,
  type EventEnvelope,
  type InboundEventRoutingKey,
  type InboundMessageRoutingKey,
  type WechatEventName,
  type WechatMessageType,
  type WechatPushHeader,
} from '@wechat-desk/contracts';
import { assertNever } from '@wechat-desk/shared/util';
import type { WechatXmlObject, WechatXmlValue } from '@wechat-desk/wechat/crypto';

export class InvalidPushError extends Error {
  override name = 'InvalidPushError';
}

/** Reads the fields of one XML element; every problem names the field by its path in the push. */
class PushFields {
  constructor(
    private readonly fields: WechatXmlObject,
    private readonly path = '',
  ) {}

  /** A text field that may be missing. */
  optional(name: string): string | undefined {
    const value: WechatXmlValue | undefined = this.fields[name];
    if (value === undefined || typeof value === 'string') {
      return value;
    }
    throw new InvalidPushError(`${this.path}${name} is not a single text value`);
  }

  /** A text field that must be there, though it may be empty (Content, Label…). */
  present(name: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      throw new InvalidPushError(`the push has no ${this.path}${name}`);
    }
    return value;
  }

  /** A text field that must be there and not empty. */
  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined || value === '') {
      throw new InvalidPushError(`the push has no ${this.path}${name}`);
    }
    return value;
  }

  number(name: string): number {
    return this.toNumber(name, this.required(name));
  }

  optionalInteger(name: string): number | undefined {
    const value = this.optional(name);
    return value === undefined ? undefined : this.toInteger(name, value);
  }

  integer(name: string): number {
    return this.toInteger(name, this.required(name));
  }

  /** A nested element such as ScanCodeInfo. */
  element(name: string): PushFields {
    const value = this.fields[name];
    if (value === undefined || value === '') {
      throw new InvalidPushError(`the push has no ${this.path}${name}`);
    }
    if (typeof value === 'string' || Array.isArray(value)) {
      throw new InvalidPushError(`${this.path}${name} is not a single element`);
    }
    return new PushFields(value, `${this.path}${name}.`);
  }

  /** A repeated element (`<item>`): one object when WeChat sent one, an array when several. */
  items(listName: string, itemName: string): PushFields[] {
    const list = this.fields[listName];
    // No list, or an empty one (<PicList></PicList>), means no items.
    if (list === undefined || list === '') {
      return [];
    }
    if (typeof list === 'string' || Array.isArray(list)) {
      throw new InvalidPushError(`${this.path}${listName} is not a list of ${itemName}`);
    }
    const items = list[itemName];
    const all = items === undefined ? [] : Array.isArray(items) ? items : [items];
    return all.map((item, index) => {
      const at = `${this.path}${listName}.${itemName}[${index}]`;
      if (typeof item === 'string' || Array.isArray(item)) {
        throw new InvalidPushError(`${at} is not an element`);
      }
      return new PushFields(item, `${at}.`);
    });
  }

  /** Every top-level text field, as WeChat sent it. */
  texts(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.fields).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  }

  private toNumber(name: string, text: string): number {
    const trimmed = text.trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
      throw new InvalidPushError(`${this.path}${name} is not a number`);
    }
    return Number(trimmed);
  }

  private toInteger(name: string, text: string): number {
    const trimmed = text.trim();
    if (!/^\d{1,15}$/.test(trimmed)) {
      throw new InvalidPushError(`${this.path}${name} is not a whole number`);
    }
    return Number(trimmed);
  }
}

type Header = Pick<WechatPushHeader, 'channelId' | 'openId' | 'originalId' | 'createTime'>;

/** The payload of key K without the header every push shares. */
type Body<K extends InboundMessageRoutingKey | InboundEventRoutingKey> = Omit<
  EventPayload<K>,
  keyof Header
>;

interface TypedPush<K extends InboundMessageRoutingKey | InboundEventRoutingKey> {
  key: K;
  body: Body<K>;
}

type AnyTypedPush =
  | { [K in InboundMessageRoutingKey]: TypedPush<K> }[InboundMessageRoutingKey]
  | { [K in InboundEventRoutingKey]: TypedPush<K> }[InboundEventRoutingKey];

function typed<K extends InboundMessageRoutingKey | InboundEventRoutingKey>(
  key: K,
  body: Body<K>,
): TypedPush<K> {
  return { key, body };
}

/** `{ [key]: value }` when the push had the field; nothing otherwise (no `key: undefined`). */
function ifDefined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function isKnownMessageType(msgType: string): msgType is WechatMessageType {
  return Object.hasOwn(WECHAT_MESSAGE_TYPE_KEYS, msgType);
}

/** WeChat's casing of Event names varies ('SCAN' but 'subscribe'): match them case-insensitively. */
const EVENT_NAMES_BY_LOWERCASE = new Map<string, WechatEventName>(
  (Object.keys(WECHAT_EVENT_KEYS) as WechatEventName[]).map((name) => [name.toLowerCase(), name]),
);

function messageFor(push: PushFields): AnyTypedPush {
  const msgType = push.required('MsgType').toLowerCase();
  const msgId = push.required('MsgId');
  if (!isKnownMessageType(msgType)) {
    return typed(RoutingKeys.wechatMessageOther, { msgId, msgType, fields: push.texts() });
  }
  switch (msgType) {
    case 'text':
      return typed(RoutingKeys.wechatMessageText, {
        msgId,
        msgType,
        content: push.present('Content'),
        ...ifDefined('msgDataId', push.optional('MsgDataId')),
        ...ifDefined('idx', push.optionalInteger('Idx')),
        ...ifDefined('bizMsgMenuId', push.optional('bizmsgmenuid')),
      });
    case 'image':
      return typed(RoutingKeys.wechatMessageImage, {
        msgId,
        msgType,
        picUrl: push.required('PicUrl'),
        mediaId: push.required('MediaId'),
      });
    case 'voice':
      return typed(RoutingKeys.wechatMessageVoice, {
        msgId,
        msgType,
        mediaId: push.required('MediaId'),
        format: push.required('Format'),
        ...ifDefined('mediaId16K', push.optional('MediaId16K')),
        ...ifDefined('recognition', push.optional('Recognition')),
      });
    case 'video':
      return typed(RoutingKeys.wechatMessageVideo, {
        msgId,
        msgType,
        mediaId: push.required('MediaId'),
        thumbMediaId: push.required('ThumbMediaId'),
      });
    case 'shortvideo':
      return typed(RoutingKeys.wechatMessageShortVideo, {
        msgId,
        msgType,
        mediaId: push.required('MediaId'),
        thumbMediaId: push.required('ThumbMediaId'),
      });
    case 'location':
      return typed(RoutingKeys.wechatMessageLocation, {
        msgId,
        msgType,
        latitude: push.number('Location_X'),
        longitude: push.number('Location_Y'),
        scale: push.number('Scale'),
        label: push.present('Label'),
      });
    case 'link':
      return typed(RoutingKeys.wechatMessageLink, {
        msgId,
        msgType,
        title: push.present('Title'),
        description: push.present('Description'),
        url: push.required('Url'),
      });
    default:
      return assertNever(msgType);
  }
}

function eventFor(push: PushFields, raw: WechatXmlObject, header: Header): AnyTypedPush {
  const sent = push.required('Event');
  const event = EVENT_NAMES_BY_LOWERCASE.get(sent.toLowerCase());
  const eventKey = push.optional('EventKey');
  const dedupeKey = (name: string, key: string | undefined): string =>
    wechatEventDedupeKey(header.channelId, header.openId, header.createTime, name, key ?? '');
  if (event === undefined) {
    return typed(RoutingKeys.wechatEventOther, {
      event: sent,
      ...ifDefined('eventKey', eventKey),
      dedupeKey: dedupeKey(sent, eventKey),
      fields: raw,
    });
  }
  const base = { dedupeKey: dedupeKey(event, eventKey) };
  switch (event) {
    case 'subscribe': {
      // A plain follow carries an empty EventKey; a QR-code follow `qrscene_<scene>`.
      const qrScene = eventKey?.replace(/^qrscene_/, '') ?? '';
      return typed(RoutingKeys.wechatEventSubscribe, {
        ...base,
        event,
        ...(qrScene === '' ? {} : { qrScene }),
        ...ifDefined('ticket', push.optional('Ticket')),
      });
    }
    case 'unsubscribe':
      return typed(RoutingKeys.wechatEventUnsubscribe, { ...base, event });
    case 'SCAN':
      return typed(RoutingKeys.wechatEventScan, {
        ...base,
        event,
        sceneKey: push.required('EventKey'),
        ...ifDefined('ticket', push.optional('Ticket')),
      });
    case 'LOCATION':
      return typed(RoutingKeys.wechatEventLocation, {
        ...base,
        event,
        latitude: push.number('Latitude'),
        longitude: push.number('Longitude'),
        precision: push.number('Precision'),
      });
    case 'CLICK':
      return typed(RoutingKeys.wechatEventClick, {
        ...base,
        event,
        eventKey: push.required('EventKey'),
      });
    case 'VIEW':
      return typed(RoutingKeys.wechatEventView, {
        ...base,
        event,
        url: push.required('EventKey'),
        ...ifDefined('menuId', push.optional('MenuId')),
      });
    case 'scancode_push':
    case 'scancode_waitmsg': {
      const info = push.element('ScanCodeInfo');
      const body = {
        ...base,
        eventKey: push.required('EventKey'),
        scanType: info.required('ScanType'),
        scanResult: info.present('ScanResult'),
      };
      return event === 'scancode_push'
        ? typed(RoutingKeys.wechatEventScancodePush, { ...body, event })
        : typed(RoutingKeys.wechatEventScancodeWaitmsg, { ...body, event });
    }
    case 'pic_sysphoto':
    case 'pic_photo_or_album':
    case 'pic_weixin': {
      const info = push.element('SendPicsInfo');
      const body = {
        ...base,
        eventKey: push.required('EventKey'),
        count: info.integer('Count'),
        picMd5Sums: info.items('PicList', 'item').map((item) => item.required('PicMd5Sum')),
      };
      switch (event) {
        case 'pic_sysphoto':
          return typed(RoutingKeys.wechatEventPicSysphoto, { ...body, event });
        case 'pic_photo_or_album':
          return typed(RoutingKeys.wechatEventPicPhotoOrAlbum, { ...body, event });
        case 'pic_weixin':
          return typed(RoutingKeys.wechatEventPicWeixin, { ...body, event });
        default:
          return assertNever(event);
      }
    }
    case 'location_select': {
      const info = push.element('SendLocationInfo');
      return typed(RoutingKeys.wechatEventLocationSelect, {
        ...base,
        event,
        eventKey: push.required('EventKey'),
        latitude: info.number('Location_X'),
        longitude: info.number('Location_Y'),
        scale: info.number('Scale'),
        label: info.present('Label'),
        ...ifDefined('poiName', info.optional('Poiname')),
      });
    }
    case 'kf_create_session':
      return typed(RoutingKeys.wechatEventKfCreateSession, {
        ...base,
        event,
        kfAccount: push.required('KfAccount'),
      });
    case 'kf_close_session':
      return typed(RoutingKeys.wechatEventKfCloseSession, {
        ...base,
        event,
        kfAccount: push.required('KfAccount'),
      });
    case 'kf_switch_session':
      return typed(RoutingKeys.wechatEventKfSwitchSession, {
        ...base,
        event,
        fromKfAccount: push.required('FromKfAccount'),
        toKfAccount: push.required('ToKfAccount'),
      });
    case 'TEMPLATESENDJOBFINISH': {
      const msgId = push.required('MsgID');
      return typed(RoutingKeys.wechatEventTemplateSendJobFinish, {
        event,
        // Job events have no EventKey: the send job's MsgID tells two of them apart.
        dedupeKey: dedupeKey(event, msgId),
        msgId,
        status: push.required('Status'),
      });
    }
    case 'MASSSENDJOBFINISH': {
      const msgId = push.required('MsgID');
      return typed(RoutingKeys.wechatEventMassSendJobFinish, {
        event,
        dedupeKey: dedupeKey(event, msgId),
        msgId,
        status: push.required('Status'),
        ...ifDefined('totalCount', push.optionalInteger('TotalCount')),
        ...ifDefined('filterCount', push.optionalInteger('FilterCount')),
        ...ifDefined('sentCount', push.optionalInteger('SentCount')),
        ...ifDefined('errorCount', push.optionalInteger('ErrorCount')),
      });
    }
    default:
      return assertNever(event);
  }
}

/**
 * Turns the fields of one verified push into the typed contract event to publish: one routing key
 * per MsgType and Event, `other` for the rest. Pure: the same push always yields the same payload,
 * so WeChat's retries are recognisable downstream. Throws InvalidPushError, and only that.
 */
export function pushToEvent(channelId: string, fields: WechatXmlObject): EventEnvelope {
  try {
    const push = new PushFields(fields);
    const msgType = push.required('MsgType');
    const createTimeText = push.required('CreateTime');
    if (!/^\d{1,12}$/.test(createTimeText)) {
      throw new InvalidPushError('CreateTime is not a unix time');
    }
    const header: Header = {
      channelId,
      openId: push.required('FromUserName'),
      originalId: push.required('ToUserName'),
      createTime: Number(createTimeText),
    };
    const { key, body } =
      msgType.toLowerCase() === 'event' ? eventFor(push, fields, header) : messageFor(push);
    return createEnvelope(key, validateEventData(key, { ...header, ...body }));
  } catch (error) {
    if (error instanceof InvalidPushError) {
      throw error;
    }
    throw new InvalidPushError(error instanceof Error ? error.message : String(error));
  }
}
