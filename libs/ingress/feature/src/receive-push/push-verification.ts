import {
  decryptForApp,
  msgSignature,
  parseWechatXml,
  signaturesEqual,
  urlSignature,
  WechatCryptoError,
  WechatXmlError,
  type WechatXmlObject,
} from '@wechat-desk/wechat/crypto';
import type { ChannelRecord } from '@wechat-desk/shared/channel-directory';

/** The query parameters WeChat sends with a push. */
export const PUSH_QUERY_KEYS = [
  'signature',
  'timestamp',
  'nonce',
  'openid',
  'encrypt_type',
  'msg_signature',
] as const;

export type PushQuery = Partial<Record<(typeof PUSH_QUERY_KEYS)[number], string>>;

/** Why a push was refused; the ingress maps each to WeChat-facing status codes. */
export type PushRejection =
  | { status: 401; reason: 'BAD_SIGNATURE' | 'STALE_TIMESTAMP' | 'MISSING_SIGNATURE' }
  | {
      status: 400;
      reason:
        'MALFORMED_XML' | 'FORBIDDEN_DTD' | 'BAD_CIPHERTEXT' | 'APPID_MISMATCH' | 'WRONG_MODE';
    };

/** A push that WeChat signed: its fields, the (decrypted) message they came from, and its nonce. */
export interface AuthenticPush {
  ok: true;
  fields: WechatXmlObject;
  /** The inner XML: the body in plaintext mode, the decrypted text otherwise. */
  message: string;
  timestamp: string;
  nonce: string;
}

export type VerifiedPush = AuthenticPush | { ok: false; rejection: PushRejection };

const reject = (rejection: PushRejection): VerifiedPush => ({ ok: false, rejection });

/**
 * Checks a push the way WeChat signs it and returns its inner fields: URL signature, clock skew,
 * then for encrypted pushes msg_signature over the trimmed Encrypt text, decryption with the
 * current or previous key, and the AppID inside the ciphertext. Pure.
 */
export function verifyPush(
  channel: ChannelRecord,
  query: PushQuery,
  body: string,
  nowSeconds: number,
  maxClockSkewSeconds: number,
): VerifiedPush {
  const { signature, timestamp, nonce } = query;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    return reject({ status: 401, reason: 'MISSING_SIGNATURE' });
  }
  if (!signaturesEqual(urlSignature(channel.secrets.token, timestamp, nonce), signature)) {
    return reject({ status: 401, reason: 'BAD_SIGNATURE' });
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(nowSeconds - Number(timestamp)) > maxClockSkewSeconds
  ) {
    return reject({ status: 401, reason: 'STALE_TIMESTAMP' });
  }
  const encrypted = query.encrypt_type === 'aes';
  if (
    (channel.encryptionMode === 'secure' && !encrypted) ||
    (channel.encryptionMode === 'plaintext' && encrypted)
  ) {
    return reject({ status: 400, reason: 'WRONG_MODE' });
  }
  let outer: WechatXmlObject;
  try {
    outer = parseWechatXml(body);
  } catch (error) {
    return xmlRejection(error);
  }
  if (!encrypted) {
    return { ok: true, fields: outer, message: body, timestamp, nonce };
  }
  const encrypt = typeof outer['Encrypt'] === 'string' ? outer['Encrypt'].trim() : undefined;
  if (encrypt === undefined || query.msg_signature === undefined) {
    return reject({ status: 401, reason: 'MISSING_SIGNATURE' });
  }
  if (
    !signaturesEqual(
      msgSignature(channel.secrets.token, timestamp, nonce, encrypt),
      query.msg_signature,
    )
  ) {
    return reject({ status: 401, reason: 'BAD_SIGNATURE' });
  }
  const keys = [channel.secrets.encodingAesKey, channel.secrets.previousEncodingAesKey].filter(
    (key): key is string => key !== null,
  );
  try {
    const decrypted = decryptForApp(keys, encrypt, channel.appId);
    return {
      ok: true,
      fields: parseWechatXml(decrypted.message),
      message: decrypted.message,
      timestamp,
      nonce,
    };
  } catch (error) {
    if (error instanceof WechatCryptoError) {
      return reject({
        status: 400,
        reason: error.code === 'APPID_MISMATCH' ? 'APPID_MISMATCH' : 'BAD_CIPHERTEXT',
      });
    }
    return xmlRejection(error);
  }
}

function xmlRejection(error: unknown): VerifiedPush {
  if (error instanceof WechatXmlError) {
    return reject({
      status: 400,
      reason: error.code === 'FORBIDDEN_DTD' ? 'FORBIDDEN_DTD' : 'MALFORMED_XML',
    });
  }
  throw error;
}
