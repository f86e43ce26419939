import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-1 hex of the parts sorted lexicographically and joined without a separator (protocol §1.2, §2.4). */
export function sha1SortedSignature(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** `signature` query parameter on the GET verification and on every POST. */
export function urlSignature(token: string, timestamp: string, nonce: string): string {
  return sha1SortedSignature([token, timestamp, nonce]);
}

/** `msg_signature` of an encrypted push, and `MsgSignature` of an encrypted reply. */
export function msgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): string {
  return sha1SortedSignature([token, timestamp, nonce, encrypt]);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Constant-time comparison of two hex digests (case-insensitive).
 * Returns false instead of throwing for anything that is not two equally long hex strings.
 */
export function signaturesEqual(expected: string, actual: string): boolean {
  if (typeof expected !== 'string' || typeof actual !== 'string') {
    return false;
  }
  if (!HEX.test(expected) || !HEX.test(actual) || expected.length !== actual.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(actual, 'hex'));
}
