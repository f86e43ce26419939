import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HKDF purpose of the links' key: no other use of MASTER_KEY can forge or read one. */
export const DOCUMENT_LINK_KEY_PURPOSE = 'wechat-desk document-links';

export type DocumentLinkVerdict = 'valid' | 'invalid' | 'expired';

export interface DocumentLinkOptions {
  key: Buffer;
  /** PUBLIC_FILES_BASE_URL: where customers reach GET /files/{id}. */
  baseUrl: string;
  ttlHours: number;
}

const EXPIRES = /^\d{1,12}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signed, expiring links to a document sent to a customer: HMAC-SHA256 over
 * `<attachmentId>.<expires>` (unix seconds). Only who holds the key can make one, and a link
 * names one file until one instant; nothing is stored per link.
 */
export class DocumentLinks {
  private readonly key: Buffer;
  private readonly baseUrl: string;
  private readonly ttlSeconds: number;

  constructor(options: DocumentLinkOptions) {
    if (options.key.length < 32) {
      throw new Error('A document link key must have at least 32 bytes');
    }
    this.key = options.key;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.ttlSeconds = Math.round(options.ttlHours * 3600);
  }

  /** The link customers open, valid for DOCUMENT_LINK_TTL_HOURS from `now`. */
  linkFor(attachmentId: string, now: Date): { url: string; expiresAt: Date } {
    const expires = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    const query = new URLSearchParams({
      expires: String(expires),
      signature: this.sign(attachmentId, String(expires)),
    });
    return {
      url: `${this.baseUrl}/files/${encodeURIComponent(attachmentId)}?${query.toString()}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /** Whether the link's parts are ours (checked first, so a forged link learns nothing) and current. */
  check(
    attachmentId: string,
    expires: string | undefined,
    signature: string | undefined,
    now: Date,
  ): DocumentLinkVerdict {
    if (
      expires === undefined ||
      signature === undefined ||
      !EXPIRES.test(expires) ||
      !SIGNATURE.test(signature)
    ) {
      return 'invalid';
    }
    const expected = Buffer.from(this.sign(attachmentId, expires), 'base64url');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'base64url'))) {
      return 'invalid';
    }
    return now.getTime() >= Number(expires) * 1000 ? 'expired' : 'valid';
  }

  private sign(attachmentId: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${attachmentId}.${expires}`).digest('base64url');
  }
}
