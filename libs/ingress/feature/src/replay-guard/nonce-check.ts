import { createHash } from 'node:crypto';

/**
 * `first`: this timestamp and nonce were not seen within the window. `same-push`: seen, with the
 * same message inside: WeChat's retry (or a harmless exact replay), accepted again so a copy whose
 * first attempt was not acknowledged is not lost. `replay`: seen with other content: refused.
 */
export type NonceCheck = 'first' | 'same-push' | 'replay';

/**
 * What identifies the message inside a push. Computed over the decrypted message, not the body:
 * a retry may be encrypted again with new random bytes and still be the same push.
 */
export function messageDigest(message: string): string {
  return createHash('sha256').update(message, 'utf8').digest('base64url').slice(0, 22);
}
