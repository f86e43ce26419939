import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { aesKeyFromEncodingAesKey } from './aes-key';
import { WechatCryptoError, type WechatCryptoErrorCode } from './errors';
import { pkcs7Pad32, pkcs7Unpad32 } from './pkcs7';

export interface DecryptedMessage {
  message: string;
  /** Trailing id of the plaintext: the AppID for an Official Account, the corp id for WeCom. */
  appId: string;
  random: Buffer;
}

const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const HEADER_BYTES = RANDOM_BYTES + LENGTH_BYTES;
// With the length a multiple of 4, this is strict base64 (padding only at the end) at less than
// half the cost of the grouped pattern: it runs on every push.
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
// fatal: garbage from a tampered ciphertext is rejected, not turned into U+FFFD; ignoreBOM: keep a leading BOM.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function cipherIv(key: Buffer): Buffer {
  return key.subarray(0, 16);
}

/**
 * Base64 `Encrypt` text of random16 ‖ uint32be(byteLength(message)) ‖ message ‖ appId,
 * PKCS#7-padded to 32 bytes, AES-256-CBC with IV = key[0..16).
 */
export function encryptMessage(
  encodingAesKey: string,
  message: string,
  appId: string,
  random: Buffer = randomBytes(RANDOM_BYTES),
): string {
  const key = aesKeyFromEncodingAesKey(encodingAesKey);
  if (random.length !== RANDOM_BYTES) {
    throw new RangeError(`random prefix must be ${RANDOM_BYTES} bytes`);
  }
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(body.length);
  const plain = pkcs7Pad32(Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, cipherIv(key)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function decodeCiphertext(encrypt: string): Buffer {
  // Buffer.from(…, 'base64') silently skips junk; validate first so garbage is reported as such.
  if (typeof encrypt !== 'string' || encrypt.length % 4 !== 0 || !BASE64_CHARS.test(encrypt)) {
    throw new WechatCryptoError('BAD_BASE64', 'Encrypt is not well-formed base64');
  }
  const data = Buffer.from(encrypt, 'base64');
  // WeChat always produces 32-byte multiples; any 16-byte multiple is tried and judged by its padding.
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new WechatCryptoError(
      'BAD_BLOCK_LENGTH',
      `ciphertext length ${data.length} is not a non-zero multiple of 16`,
    );
  }
  return data;
}

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new WechatCryptoError('BAD_LAYOUT', `${what} is not valid UTF-8`);
  }
}

export function decryptMessage(encodingAesKey: string, encrypt: string): DecryptedMessage {
  const key = aesKeyFromEncodingAesKey(encodingAesKey);
  const data = decodeCiphertext(encrypt);
  const decipher = createDecipheriv('aes-256-cbc', key, cipherIv(key)).setAutoPadding(false);
  const plain = pkcs7Unpad32(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < HEADER_BYTES) {
    throw new WechatCryptoError('BAD_LAYOUT', 'plaintext shorter than its 20-byte header');
  }
  const length = plain.readUInt32BE(RANDOM_BYTES);
  if (length > plain.length - HEADER_BYTES) {
    throw new WechatCryptoError('BAD_LAYOUT', 'message length field exceeds the plaintext');
  }
  return {
    random: Buffer.from(plain.subarray(0, RANDOM_BYTES)),
    message: decodeUtf8(plain.subarray(HEADER_BYTES, HEADER_BYTES + length), 'message'),
    appId: decodeUtf8(plain.subarray(HEADER_BYTES + length), 'trailing appid'),
  };
}

/**
 * Decrypts with the first key (current, then previous: protocol §2.5 key rotation) that yields a clean
 * plaintext ending in `expectedAppId`. Reply with the key at `keyIndex`.
 */
export function decryptForApp(
  encodingAesKeys: readonly string[],
  encrypt: string,
  expectedAppId: string,
): DecryptedMessage & { keyIndex: number } {
  let firstCode: WechatCryptoErrorCode | undefined;
  let otherAppIdSeen = false;
  for (const [keyIndex, encodingAesKey] of encodingAesKeys.entries()) {
    try {
      const decrypted = decryptMessage(encodingAesKey, encrypt);
      if (decrypted.appId === expectedAppId) {
        return { ...decrypted, keyIndex };
      }
      otherAppIdSeen = true;
    } catch (error) {
      if (!(error instanceof WechatCryptoError)) {
        throw error;
      }
      firstCode ??= error.code;
    }
  }
  if (otherAppIdSeen) {
    throw new WechatCryptoError('APPID_MISMATCH', 'message was encrypted for another appid');
  }
  if (firstCode === undefined) {
    throw new WechatCryptoError('INVALID_AES_KEY', 'no EncodingAESKey given');
  }
  throw new WechatCryptoError(firstCode, `no EncodingAESKey decrypts the message (${firstCode})`);
}
