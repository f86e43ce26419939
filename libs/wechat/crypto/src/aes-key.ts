import { WechatCryptoError } from './errors';

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export function isValidEncodingAesKey(key: string): boolean {
  return (
    typeof key === 'string' &&
    ENCODING_AES_KEY.test(key) &&
    Buffer.from(`${key}=`, 'base64').length === 32
  );
}

/**
 * AES-256 key = base64decode(EncodingAESKey + "="). The last character carries 2 unused bits;
 * they need not be zero (the official sample key ends in "G"), so no canonical-encoding check.
 */
export function aesKeyFromEncodingAesKey(encodingAesKey: string): Buffer {
  if (!isValidEncodingAesKey(encodingAesKey)) {
    throw new WechatCryptoError(
      'INVALID_AES_KEY',
      'EncodingAESKey must be 43 characters from [A-Za-z0-9]',
    );
  }
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}
