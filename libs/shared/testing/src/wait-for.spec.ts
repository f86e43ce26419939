import { waitFor } from './wait-for';

describe(waitFor.name, () => {
  it('returns the first value that is not null, undefined or false', async () => {
    const values = [null, undefined, false, 0, 'late'];
    let polls = 0;
    await expect(
      waitFor(() => values[polls++], { description: 'a value', intervalMs: 1 }),
    ).resolves.toBe(0);
    expect(polls).toBe(4);
  });

  it('treats a throwing probe as "not yet"', async () => {
    let polls = 0;
    const value = await waitFor(
      () => {
        polls += 1;
        if (polls < 3) {
          throw new Error('not ready');
        }
        return Promise.resolve({ ready: true });
      },
      { description: 'readiness', intervalMs: 1 },
    );
    expect(value).toEqual({ ready: true });
  });

  it('names the description and the last value on timeout', async () => {
    let polls = 0;
    await expect(
      waitFor(() => (polls++ < 0 ? { count: 3 } : null), {
        description: 'three messages',
        timeoutMs: 30,
        intervalMs: 5,
      }),
    ).rejects.toThrow(/waiting for three messages; last value: null/);
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { description: 'the broker', timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(/waiting for the broker; last error: Error: connection refused/);
  });
});
