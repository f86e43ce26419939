import {
  LOGIN_MAX_LOCKOUT_MS,
  lockoutMs,
  retryAfterSeconds,
  throttleSubjects,
} from './login-throttle';

describe('login throttle', () => {
  it('lets the first four failures through without a lockout', () => {
    expect([0, 1, 2, 3, 4].map(lockoutMs)).toEqual([0, 0, 0, 0, 0]);
  });

  it('locks out from the fifth failure, doubling per further failure', () => {
    expect([5, 6, 7, 8, 9].map(lockoutMs)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
  });

  it('caps the lockout at 15 minutes, however many failures', () => {
    expect(lockoutMs(10)).toBe(LOGIN_MAX_LOCKOUT_MS);
    expect(lockoutMs(11)).toBe(15 * 60 * 1000);
    expect(lockoutMs(10_000)).toBe(15 * 60 * 1000);
  });

  it('answers Retry-After in whole seconds, rounded up, at least one', () => {
    const now = new Date('2026-11-25T00:00:00.000Z');
    expect(retryAfterSeconds(new Date(now.getTime() + 30_000), now)).toBe(30);
    expect(retryAfterSeconds(new Date(now.getTime() + 29_001), now)).toBe(30);
    expect(retryAfterSeconds(new Date(now.getTime() + 10), now)).toBe(1);
    expect(retryAfterSeconds(now, now)).toBe(1);
  });

  it('counts per e-mail and per client address separately', () => {
    expect(throttleSubjects('ann@example.com', '10.0.0.1')).toEqual({
      email: 'email:ann@example.com',
      ip: 'ip:10.0.0.1',
    });
  });
});
