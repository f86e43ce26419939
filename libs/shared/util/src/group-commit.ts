import { withTimeout } from './with-timeout';

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Most items in one write. */
  maxBatch: number;
  /** A write that takes longer fails for its items and frees the way for the next one. */
  writeTimeoutMs: number;
  /** Names the writes in errors, e.g. "spool write". */
  description: string;
}

/**
 * One write at a time; whatever arrives while it runs goes into the next one, in arrival order.
 * Under load many items share one transaction (one WAL flush); when idle an item is written at
 * once, with no added delay. A write that times out may still complete later: callers must
 * tolerate a duplicate of an item they were told failed.
 */
export class GroupCommit<T> {
  private readonly waiting: Array<Waiting<T>> = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Resolves once the write holding `item` succeeded. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      void this.writeNext();
    });
  }

  private async writeNext(): Promise<void> {
    if (this.writing || this.waiting.length === 0) {
      return;
    }
    this.writing = true;
    const batch = this.waiting.splice(0, this.options.maxBatch);
    try {
      await withTimeout(
        this.write(batch.map((waiting) => waiting.item)),
        this.options.writeTimeoutMs,
        `${this.options.description} of ${batch.length}`,
      );
      for (const waiting of batch) {
        waiting.resolve();
      }
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiting of batch) {
        waiting.reject(failure);
      }
    } finally {
      this.writing = false;
      void this.writeNext();
    }
  }
}
