import { seededRandom } from '@wechat-desk/shared/testing';

import { backoffDelayMs, DEFAULT_BACKOFF, TRY_AGAIN_ERRCODES } from './backoff';

describe(backoffDelayMs.name, () => {
  it('waits between 0 and base·2ⁿ, capped', () => {
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0.999)).toBe(199);
    expect(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0.999)).toBe(399);
    expect(backoffDelayMs(2, DEFAULT_BACKOFF, () => 0.999)).toBe(799);
    expect(backoffDelayMs(5, DEFAULT_BACKOFF, () => 0.999)).toBe(1_998);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
  });

  it('spreads the waits of workers that failed together', () => {
    const random = seededRandom(42);
    const waits = Array.from({ length: 100 }, () => backoffDelayMs(2, DEFAULT_BACKOFF, random));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(800);
    expect(new Set(waits).size).toBeGreaterThan(50);
  });
});

describe('TRY_AGAIN_ERRCODES', () => {
  it('holds system busy and the quota and frequency limits only', () => {
    expect([...TRY_AGAIN_ERRCODES].sort((a, b) => a - b)).toEqual([-1, 45009, 45011]);
  });
});
