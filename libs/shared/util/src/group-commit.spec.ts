import { GroupCommit } from './group-commit';
import { TimeoutError } from './with-timeout';

/** A write the test finishes by hand, recording every batch it was given. */
class ManualWrites {
  readonly batches: number[][] = [];
  private readonly finishers: Array<(error?: Error) => void> = [];

  readonly write = (items: number[]): Promise<void> => {
    this.batches.push(items);
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => (error === undefined ? resolve() : reject(error)));
    });
  };

  finishNext(error?: Error): void {
    const finish = this.finishers.shift();
    if (finish === undefined) {
      throw new Error('no write in flight');
    }
    finish(error);
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(GroupCommit.name, () => {
  it('writes an item at once when idle, and gathers what arrives meanwhile into the next write, in order', async () => {
    const writes = new ManualWrites();
    const commit = new GroupCommit(writes.write, {
      maxBatch: 100,
      writeTimeoutMs: 1_000,
      description: 'write',
    });
    const first = commit.submit(1);
    const later = [2, 3, 4].map((item) => commit.submit(item));
    expect(writes.batches).toEqual([[1]]);
    writes.finishNext();
    await first;
    await flush();
    expect(writes.batches).toEqual([[1], [2, 3, 4]]);
    writes.finishNext();
    await Promise.all(later);
  });

  it('splits what waits into batches of at most maxBatch', async () => {
    const writes = new ManualWrites();
    const commit = new GroupCommit(writes.write, {
      maxBatch: 2,
      writeTimeoutMs: 1_000,
      description: 'write',
    });
    const all = [1, 2, 3, 4, 5].map((item) => commit.submit(item));
    for (let i = 0; i < 3; i += 1) {
      writes.finishNext();
      await flush();
    }
    await Promise.all(all);
    expect(writes.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails every item of a failed write, and only those', async () => {
    const writes = new ManualWrites();
    const commit = new GroupCommit(writes.write, {
      maxBatch: 100,
      writeTimeoutMs: 1_000,
      description: 'write',
    });
    const first = commit.submit(1);
    const second = commit.submit(2);
    const third = commit.submit(3);
    writes.finishNext(new Error('connection refused'));
    await expect(first).rejects.toThrow('connection refused');
    await flush();
    writes.finishNext(new Error('disk full'));
    await expect(second).rejects.toThrow('disk full');
    await expect(third).rejects.toThrow('disk full');
  });

  it('gives up on a write that hangs, failing its items, and goes on with the next', async () => {
    const writes = new ManualWrites();
    const commit = new GroupCommit(writes.write, {
      maxBatch: 100,
      writeTimeoutMs: 20,
      description: 'write',
    });
    const hung = commit.submit(1);
    const next = commit.submit(2);
    await expect(hung).rejects.toThrow(TimeoutError);
    await expect(hung).rejects.toThrow('write of 1 timed out after 20 ms');
    await flush();
    expect(writes.batches).toEqual([[1], [2]]);
    writes.finishNext();
    writes.finishNext();
    await expect(next).resolves.toBeUndefined();
  });
});
