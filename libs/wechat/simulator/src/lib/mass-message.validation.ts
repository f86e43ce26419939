import { isRecord } from './accounts';
import type { WechatErrorName } from './wechat-errors';

/** The mass msgtypes the simulator delivers (mpnews, wxcard and images need material it lacks). */
export const MASS_MESSAGE_TYPES = ['text', 'image', 'voice', 'mpvideo'] as const;
export type MassMessageType = (typeof MASS_MESSAGE_TYPES)[number];

/** Up to 10 000 OpenIDs per `mass/send`, at least 2 (protocol.md §7.1). */
export const MASS_SEND_MIN_OPENIDS = 2;
export const MASS_SEND_MAX_OPENIDS = 10_000;

export interface MassContent {
  msgtype: MassMessageType;
  /** The payload object named after the msgtype, as sent. */
  payload: Record<string, unknown>;
  /** For image, voice and mpvideo: the media the message refers to. */
  mediaId: string | null;
}

export type MassAudience =
  { kind: 'all' } | { kind: 'tag'; tagId: number } | { kind: 'openids'; openIds: string[] };

export type MassValidation =
  | { ok: true; audience: MassAudience; content: MassContent }
  | { ok: false; error: WechatErrorName };

/** `mass/sendall`: `{"filter":{"is_to_all":bool,"tag_id":N},"msgtype":…,…}`. */
export function validateSendAll(body: unknown): MassValidation {
  if (!isRecord(body) || !isRecord(body['filter'])) {
    return { ok: false, error: 'dataFormatError' };
  }
  const filter = body['filter'];
  let audience: MassAudience;
  if (filter['is_to_all'] === true) {
    audience = { kind: 'all' };
  } else {
    const tagId = filter['tag_id'];
    if (typeof tagId !== 'number' || !Number.isInteger(tagId)) {
      return { ok: false, error: 'invalidGroupId' };
    }
    audience = { kind: 'tag', tagId };
  }
  return withContent(body, audience);
}

/** `mass/send`: `{"touser":["OPENID1","OPENID2",…],"msgtype":…,…}`. */
export function validateMassSend(body: unknown): MassValidation {
  if (!isRecord(body)) {
    return { ok: false, error: 'dataFormatError' };
  }
  const touser: unknown = body['touser'];
  if (!Array.isArray(touser) || !touser.every((id) => typeof id === 'string' && id !== '')) {
    return { ok: false, error: 'invalidOpenIdListSize' };
  }
  const openIds = [...new Set(touser as string[])];
  if (openIds.length < MASS_SEND_MIN_OPENIDS) {
    return { ok: false, error: 'openIdListTooShort' };
  }
  if (openIds.length > MASS_SEND_MAX_OPENIDS) {
    return { ok: false, error: 'invalidOpenIdListSize' };
  }
  return withContent(body, { kind: 'openids', openIds });
}

function withContent(body: Record<string, unknown>, audience: MassAudience): MassValidation {
  const msgtype = body['msgtype'];
  if (typeof msgtype !== 'string' || !(MASS_MESSAGE_TYPES as readonly string[]).includes(msgtype)) {
    return { ok: false, error: 'invalidMessageType' };
  }
  const type = msgtype as MassMessageType;
  const payload = body[type];
  if (!isRecord(payload)) {
    return { ok: false, error: 'dataFormatError' };
  }
  if (type === 'text') {
    const content = payload['content'];
    return typeof content === 'string' && content !== ''
      ? { ok: true, audience, content: { msgtype: type, payload, mediaId: null } }
      : { ok: false, error: 'dataFormatError' };
  }
  const mediaId = payload['media_id'];
  if (typeof mediaId !== 'string' || mediaId === '') {
    return { ok: false, error: 'invalidMediaId' };
  }
  return { ok: true, audience, content: { msgtype: type, payload, mediaId } };
}

/** The temporary-media type a mass msgtype refers to (mpvideo: an uploaded video, simplified). */
export function mediaTypeForMass(msgtype: MassMessageType): 'image' | 'voice' | 'video' | null {
  switch (msgtype) {
    case 'text':
      return null;
    case 'image':
      return 'image';
    case 'voice':
      return 'voice';
    case 'mpvideo':
      return 'video';
  }
}
