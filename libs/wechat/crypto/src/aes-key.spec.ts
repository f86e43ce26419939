import { aesKeyFromEncodingAesKey, isValidEncodingAesKey } from './aes-key';
import { expectCryptoError } from './test-support/expect-error';

const OFFICIAL_SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe(isValidEncodingAesKey.name, () => {
  it.each([
    'A'.repeat(43),
    OFFICIAL_SAMPLE_KEY,
    'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    '9'.repeat(43),
  ])('accepts %s', (key) => {
    expect(isValidEncodingAesKey(key)).toBe(true);
  });

  it.each([
    ['42 characters', 'A'.repeat(42)],
    ['44 characters', 'A'.repeat(44)],
    ['a trailing "="', `${'A'.repeat(42)}=`],
    ['"+"', `${'A'.repeat(42)}+`],
    ['"/"', `${'A'.repeat(42)}/`],
    ['URL-safe "-"', `${'A'.repeat(42)}-`],
    ['a space', `${'A'.repeat(42)} `],
    ['a non-ASCII letter', `${'A'.repeat(42)}é`],
    ['the empty string', ''],
  ])('rejects a key with %s', (_label, key) => {
    expect(isValidEncodingAesKey(key)).toBe(false);
  });

  it('rejects non-strings without throwing', () => {
    expect(isValidEncodingAesKey(undefined as unknown as string)).toBe(false);
    expect(isValidEncodingAesKey(43 as unknown as string)).toBe(false);
  });
});

describe(aesKeyFromEncodingAesKey.name, () => {
  it('decodes key + "=" as base64 into 32 bytes', () => {
    const key = aesKeyFromEncodingAesKey(OFFICIAL_SAMPLE_KEY);
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.from(`${OFFICIAL_SAMPLE_KEY}=`, 'base64'))).toBe(true);
  });

  it('accepts a last character with non-zero unused bits (the official sample ends in "G")', () => {
    const withZeroBits = aesKeyFromEncodingAesKey(`${OFFICIAL_SAMPLE_KEY.slice(0, 42)}E`);
    expect(aesKeyFromEncodingAesKey(OFFICIAL_SAMPLE_KEY).equals(withZeroBits)).toBe(true);
  });

  it('throws INVALID_AES_KEY without echoing the key', () => {
    const secret = `${'S3cr3t'.repeat(7)}`;
    const error = expectCryptoError(() => aesKeyFromEncodingAesKey(secret), 'INVALID_AES_KEY');
    expect(error.message).not.toContain(secret);
  });
});
