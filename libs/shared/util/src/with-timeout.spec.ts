import { TimeoutError, withTimeout } from './with-timeout';

describe(withTimeout.name, () => {
  it('resolves with the value when the work finishes in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
  });

  it('rejects with the work’s own error', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });

  it('rejects with TimeoutError naming the work when it takes too long', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withTimeout(never, 10, 'spool write')).rejects.toThrow(TimeoutError);
    await expect(withTimeout(never, 10, 'spool write')).rejects.toThrow(
      'spool write timed out after 10 ms',
    );
  });
});
