import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM under MASTER_KEY: authenticated, so a tampered or foreign ciphertext fails loudly
 * instead of decrypting to garbage. Output: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) {
      throw new Error('MASTER_KEY must be 32 bytes');
    }
    this.key = masterKey;
  }

  /** Accepts 64 hex characters or 44 base64 characters (what AppConfig validates). */
  static fromMasterKey(masterKey: string): SecretBox {
    const key = /^[0-9a-fA-F]{64}$/.test(masterKey)
      ? Buffer.from(masterKey, 'hex')
      : Buffer.from(masterKey, 'base64');
    return new SecretBox(key);
  }

  /** Development and tests only: a fixed key so every local process agrees without setup. */
  static forDevelopment(): SecretBox {
    return new SecretBox(
      createHash('sha256').update('wechat-desk development master key').digest(),
    );
  }

  /**
   * A key of its own for one purpose (HKDF-SHA256 with `purpose` as info), so MASTER_KEY is
   * never used for two things and one derived key tells nothing of another.
   */
  deriveKey(purpose: string): Buffer {
    if (purpose === '') {
      throw new Error('A derived key needs a purpose');
    }
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws if the box was altered, sealed under another key, or with other associated data. */
  open(sealed: string, associatedData = ''): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw new Error('Not a sealed secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
