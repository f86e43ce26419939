import { isRecord } from './accounts';
import type { WechatErrorName } from './wechat-errors';

/** The msgtypes `/cgi-bin/message/custom/send` accepts on an Official Account (§6.1). */
export const CUSTOM_MESSAGE_TYPES = [
  'text',
  'image',
  'voice',
  'video',
  'music',
  'news',
  'mpnews',
  'mpnewsarticle',
  'msgmenu',
  'wxcard',
  'miniprogrampage',
] as const;

export type CustomMessageType = (typeof CUSTOM_MESSAGE_TYPES)[number];

/** WeChat's limit on `text.content`, in UTF-8 bytes. */
export const MAX_TEXT_CONTENT_BYTES = 2048;

function isCustomMessageType(value: unknown): value is CustomMessageType {
  return typeof value === 'string' && (CUSTOM_MESSAGE_TYPES as readonly string[]).includes(value);
}

/**
 * Checks a parsed custom/send body the way WeChat does, in WeChat's order.
 * Returns the error to answer, or null when the message is accepted.
 */
export function validateCustomMessage(body: unknown): WechatErrorName | null {
  if (!isRecord(body)) {
    return 'dataFormatError';
  }
  if (typeof body['touser'] !== 'string' || body['touser'] === '') {
    return 'invalidOpenId';
  }
  const msgtype = body['msgtype'];
  if (!isCustomMessageType(msgtype)) {
    return 'invalidMessageType';
  }
  const payload = body[msgtype];
  if (!isRecord(payload)) {
    return 'dataFormatError';
  }
  return validatePayload(msgtype, payload);
}

function validatePayload(
  msgtype: CustomMessageType,
  payload: Record<string, unknown>,
): WechatErrorName | null {
  switch (msgtype) {
    case 'text':
      return validateText(payload['content']);
    case 'image':
    case 'voice':
    case 'video':
      return validateMediaId(payload['media_id']);
    case 'news':
      return validateArticles(payload['articles']);
    case 'music':
    case 'mpnews':
    case 'mpnewsarticle':
    case 'msgmenu':
    case 'wxcard':
    case 'miniprogrampage':
      // Only the presence of the payload object is checked for these.
      return null;
  }
}

function validateText(content: unknown): WechatErrorName | null {
  if (typeof content !== 'string' || content === '') {
    return 'dataFormatError';
  }
  return Buffer.byteLength(content, 'utf8') > MAX_TEXT_CONTENT_BYTES
    ? 'contentSizeOutOfLimit'
    : null;
}

function validateMediaId(mediaId: unknown): WechatErrorName | null {
  if (typeof mediaId !== 'string') {
    return 'dataFormatError';
  }
  // Whether the media exists (for this account, within 3 days) is the service's check.
  return mediaId === '' ? 'invalidMediaId' : null;
}

function validateArticles(articles: unknown): WechatErrorName | null {
  if (!Array.isArray(articles) || articles.length === 0 || !articles.every(isRecord)) {
    return 'dataFormatError';
  }
  // One external-link article at most since 2018 (§2.7, §6.1).
  return articles.length > 1 ? 'articleSizeOutOfLimit' : null;
}
