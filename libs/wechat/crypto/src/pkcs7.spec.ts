import { pkcs7Pad32, pkcs7Unpad32 } from './pkcs7';
import { expectCryptoError } from './test-support/expect-error';

describe(pkcs7Pad32.name, () => {
  it.each(Array.from({ length: 66 }, (_, length) => length))(
    'pads %i bytes to a 32-byte multiple with 1..32 bytes of the pad length',
    (length) => {
      const data = Buffer.alloc(length, 0xab);
      const padded = pkcs7Pad32(data);
      const n = 32 - (length % 32);
      expect(padded.length % 32).toBe(0);
      expect(padded.length).toBe(length + n);
      expect(padded.subarray(0, length).equals(data)).toBe(true);
      expect([...padded.subarray(length)]).toEqual(Array<number>(n).fill(n));
    },
  );

  it('adds a full block of 32 when the data is already aligned', () => {
    expect([...pkcs7Pad32(Buffer.alloc(32)).subarray(32)]).toEqual(Array<number>(32).fill(32));
  });
});

describe(pkcs7Unpad32.name, () => {
  it.each(Array.from({ length: 66 }, (_, length) => length))(
    'inverts pkcs7Pad32 for %i bytes',
    (length) => {
      const data = Buffer.from(Array.from({ length }, (_, i) => i % 251));
      expect(pkcs7Unpad32(pkcs7Pad32(data)).equals(data)).toBe(true);
    },
  );

  it('accepts pad values above 16, which OpenSSL unpadding would refuse', () => {
    const padded = Buffer.concat([Buffer.from('hi'), Buffer.alloc(30, 30)]);
    expect(pkcs7Unpad32(padded).toString()).toBe('hi');
  });

  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['a pad byte of 0', Buffer.concat([Buffer.alloc(31, 1), Buffer.from([0])])],
    ['a pad byte of 33', Buffer.alloc(64, 33)],
    ['a pad byte of 255', Buffer.alloc(32, 255)],
    ['a pad longer than the data', Buffer.alloc(4, 5)],
    ['inconsistent pad bytes', Buffer.concat([Buffer.alloc(28), Buffer.from([4, 3, 4, 4])])],
    [
      'a pad byte differing at the far end',
      Buffer.concat([Buffer.from([31]), Buffer.alloc(31, 32)]),
    ],
  ])('throws BAD_PADDING for %s', (_label, data) => {
    expectCryptoError(() => pkcs7Unpad32(data), 'BAD_PADDING');
  });
});
