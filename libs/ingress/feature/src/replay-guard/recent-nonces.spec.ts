import { RecentNonces } from './recent-nonces';
import { messageDigest } from './nonce-check';

const TTL = 601_000;

describe(RecentNonces.name, () => {
  it('sees a nonce first, then the same push again, and other content as a replay', () => {
    const nonces = new RecentNonces(10);
    expect(nonces.check('c:1:n', 'a', 0, TTL)).toBe('first');
    expect(nonces.check('c:1:n', 'a', 1_000, TTL)).toBe('same-push');
    expect(nonces.check('c:1:n', 'b', 2_000, TTL)).toBe('replay');
    expect(nonces.check('c:1:m', 'b', 2_000, TTL)).toBe('first');
  });

  it('forgets a nonce once its window has passed, and not a millisecond before', () => {
    const nonces = new RecentNonces(10);
    nonces.check('k', 'a', 0, TTL);
    expect(nonces.check('k', 'b', TTL - 1, TTL)).toBe('replay');
    expect(nonces.check('k', 'b', TTL, TTL)).toBe('first');
  });

  it('keeps at most its bound, dropping the oldest first', () => {
    const nonces = new RecentNonces(3);
    for (const key of ['k1', 'k2', 'k3', 'k4']) {
      nonces.check(key, 'a', 0, TTL);
    }
    expect(nonces.size).toBe(3);
    expect(nonces.check('k1', 'other', 1, TTL)).toBe('first');
    expect(nonces.check('k4', 'other', 1, TTL)).toBe('replay');
  });
});

describe(messageDigest.name, () => {
  it('is the same for the same message and differs for another, CJK included', () => {
    expect(messageDigest('<xml>你好</xml>')).toBe(messageDigest('<xml>你好</xml>'));
    expect(messageDigest('<xml>你好</xml>')).not.toBe(messageDigest('<xml>你好!</xml>'));
    expect(messageDigest('x')).toHaveLength(22);
  });
});
