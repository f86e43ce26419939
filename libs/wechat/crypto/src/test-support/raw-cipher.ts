import { createCipheriv, createDecipheriv } from 'node:crypto';

import { aesKeyFromEncodingAesKey } from '../aes-key';

/** AES-256-CBC decrypt without unpadding, to inspect the padded plaintext the library works on. */
export function rawDecrypt(encodingAesKey: string, encrypt: string): Buffer {
  const key = aesKeyFromEncodingAesKey(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
}

/** AES-256-CBC encrypt of an already padded plaintext, to forge ciphertexts with a chosen layout. */
export function rawEncrypt(encodingAesKey: string, paddedPlaintext: Buffer): string {
  const key = aesKeyFromEncodingAesKey(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(paddedPlaintext), cipher.final()]).toString('base64');
}

/** random16 ‖ uint32be(length) ‖ body ‖ trailer, with the length field under the caller's control. */
export function layout(random: Buffer, length: number, body: Buffer, trailer: Buffer): Buffer {
  const lengthField = Buffer.alloc(4);
  lengthField.writeUInt32BE(length);
  return Buffer.concat([random, lengthField, body, trailer]);
}
