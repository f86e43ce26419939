import { WechatCryptoError } from './errors';

/** WeChat pads to 32-byte blocks, not AES's 16, so pad values run 1..32 (protocol §2.5, §11.6). */
const BLOCK = 32;

export function pkcs7Pad32(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad32(data: Buffer): Buffer {
  const n = data.length > 0 ? data[data.length - 1] : 0;
  if (n < 1 || n > BLOCK || n > data.length) {
    throw new WechatCryptoError('BAD_PADDING', 'invalid PKCS#7 padding');
  }
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) {
      throw new WechatCryptoError('BAD_PADDING', 'invalid PKCS#7 padding');
    }
  }
  return data.subarray(0, data.length - n);
}
