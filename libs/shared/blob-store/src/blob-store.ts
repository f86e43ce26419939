export interface StoredBlob {
  bytes: Buffer;
  contentType: string;
  size: number;
}

/**
 * Where media bytes live, readable by every replica of every service (like an object store):
 * conversation writes what it downloads from WeChat, desk-api serves it to agents.
 */
export abstract class BlobStore {
  /** Idempotent: putting the same key again keeps the first bytes (a redelivered download). */
  abstract put(key: string, blob: { bytes: Buffer; contentType: string }): Promise<void>;

  abstract get(key: string): Promise<StoredBlob | null>;
}
