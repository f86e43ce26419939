import type { NonceCheck } from './nonce-check';

interface Entry {
  digest: string;
  expiresAtMs: number;
}

/**
 * The replay check in this process's memory, for when Redis cannot answer: bounded, oldest first
 * out. Every entry lives equally long, so insertion order is expiry order.
 */
export class RecentNonces {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  check(key: string, digest: string, nowMs: number, ttlMs: number): NonceCheck {
    this.evictExpired(nowMs);
    const seen = this.entries.get(key);
    if (seen !== undefined) {
      return seen.digest === digest ? 'same-push' : 'replay';
    }
    this.entries.set(key, { digest, expiresAtMs: nowMs + ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) {
        this.entries.delete(oldest.value);
      }
    }
    return 'first';
  }

  private evictExpired(nowMs: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > nowMs) {
        return;
      }
      this.entries.delete(key);
    }
  }
}
