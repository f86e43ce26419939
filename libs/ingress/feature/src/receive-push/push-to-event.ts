import {
  createEnvelope,
  RoutingKeys,
  validateEventData,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import type { WechatXmlObject, WechatXmlValue } from '@wechat-desk/wechat/crypto';

export class InvalidPushError extends Error {
  override name = 'InvalidPushError';
}

function text(fields: WechatXmlObject, name: string): string | undefined {
  const value: WechatXmlValue | undefined = fields[name];
  return typeof value === 'string' ? value : undefined;
}

function required(fields: WechatXmlObject, name: string): string {
  const value = text(fields, name);
  if (value === undefined || value === '') {
    throw new InvalidPushError(`the push has no ${name}`);
  }
  return value;
}

function flatStrings(fields: WechatXmlObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * Turns the fields of one verified push into the contract event to publish. Pure: the same push
 * always yields the same payload, so WeChat's retries are recognisable downstream.
 */
export function pushToEvent(channelId: string, fields: WechatXmlObject): EventEnvelope {
  const msgType = required(fields, 'MsgType');
  const openId = required(fields, 'FromUserName');
  const originalId = required(fields, 'ToUserName');
  const createTimeText = required(fields, 'CreateTime');
  if (!/^\d{1,12}$/.test(createTimeText)) {
    throw new InvalidPushError('CreateTime is not a unix time');
  }
  const createTime = Number(createTimeText);
  try {
    if (msgType === 'event') {
      const event = required(fields, 'Event');
      const eventKey = text(fields, 'EventKey');
      const data = validateEventData(RoutingKeys.wechatEventReceived, {
        channelId,
        openId,
        originalId,
        createTime,
        event,
        ...(eventKey === undefined ? {} : { eventKey }),
        dedupeKey: [channelId, openId, createTimeText, event, eventKey ?? ''].join(':'),
        fields,
      });
      return createEnvelope(RoutingKeys.wechatEventReceived, data);
    }
    const content = text(fields, 'Content');
    const data = validateEventData(RoutingKeys.wechatMessageReceived, {
      channelId,
      openId,
      originalId,
      createTime,
      msgId: required(fields, 'MsgId'),
      msgType,
      ...(content === undefined ? {} : { content }),
      fields: flatStrings(fields),
    });
    return createEnvelope(RoutingKeys.wechatMessageReceived, data);
  } catch (error) {
    if (error instanceof InvalidPushError) {
      throw error;
    }
    throw new InvalidPushError(error instanceof Error ? error.message : String(error));
  }
}
