import { aesKeyFromEncodingAesKey, isValidEncodingAesKey } from './aes-key';
import { generateEncodingAesKey, generateToken, isValidToken } from './credentials';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

describe(isValidToken.name, () => {
  it.each(['abc', 'AAAAA', 'pamtest', 'RMNlACHlV5ThzfRlVS4D4', 'a'.repeat(32)])(
    'accepts %s',
    (token) => {
      expect(isValidToken(token)).toBe(true);
    },
  );

  it.each([
    ['2 characters', 'ab'],
    ['33 characters', 'a'.repeat(33)],
    ['an underscore', 'abc_def'],
    ['a space', 'abc def'],
    ['a trailing newline', 'abcdef\n'],
    ['CJK characters', '令牌令牌'],
    ['the empty string', ''],
  ])('rejects a token with %s', (_label, token) => {
    expect(isValidToken(token)).toBe(false);
  });

  it('rejects non-strings without throwing', () => {
    expect(isValidToken(null as unknown as string)).toBe(false);
  });
});

describe(generateToken.name, () => {
  it('returns a valid 32-character token by default', () => {
    const token = generateToken();
    expect(token).toHaveLength(32);
    expect(isValidToken(token)).toBe(true);
  });

  it.each([3, 16, 32])('honours length %i', (length) => {
    const token = generateToken(length);
    expect(token).toHaveLength(length);
    expect(isValidToken(token)).toBe(true);
  });

  it.each([2, 33, 0, -1, 3.5, Number.NaN])('refuses length %p', (length) => {
    expect(() => generateToken(length)).toThrow(RangeError);
  });

  it('returns distinct tokens', () => {
    const tokens = Array.from({ length: 200 }, () => generateToken());
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('draws every alphanumeric character without a modulo bias', () => {
    // 310 000 draws: each character expects 5 000 (sd ~70). A byte % 62 bias would push
    // 8 characters to ~6 050, far outside the ±600 band; a fair source never leaves it in practice.
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      for (const ch of generateToken(31)) {
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
      }
    }
    expect([...counts.keys()].sort()).toEqual([...ALPHANUMERIC].sort());
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(4_400);
      expect(count).toBeLessThan(5_600);
    }
  });
});

describe(generateEncodingAesKey.name, () => {
  it('returns a valid 43-character key that decodes to 32 bytes', () => {
    const key = generateEncodingAesKey();
    expect(key).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(isValidEncodingAesKey(key)).toBe(true);
    expect(aesKeyFromEncodingAesKey(key)).toHaveLength(32);
  });

  it('returns distinct keys', () => {
    const keys = Array.from({ length: 200 }, () => generateEncodingAesKey());
    expect(new Set(keys).size).toBe(keys.length);
  });
});
