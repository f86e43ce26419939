import { createHash } from 'node:crypto';

import { msgSignature, sha1SortedSignature, signaturesEqual, urlSignature } from './signature';

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

describe(sha1SortedSignature.name, () => {
  it('hashes the sorted parts joined without a separator', () => {
    expect(sha1SortedSignature(['nonce', 'Token', '1714036504'])).toBe(
      sha1('1714036504Tokennonce'),
    );
  });

  it('does not depend on the input order and leaves the input untouched', () => {
    const parts = ['b', 'c', 'a'] as const;
    expect(sha1SortedSignature(parts)).toBe(sha1SortedSignature(['a', 'b', 'c']));
    expect(parts).toEqual(['b', 'c', 'a']);
  });

  it('sorts base64 text (with + / =) by code unit, as WeChat does', () => {
    const encrypt = 'a+b/c==';
    expect(sha1SortedSignature(['Z', encrypt, '9'])).toBe(sha1(`9Z${encrypt}`));
  });
});

describe(urlSignature.name, () => {
  it('equals the sorted signature of token, timestamp and nonce', () => {
    expect(urlSignature('tok', '1700000000', '42')).toBe(
      sha1SortedSignature(['42', '1700000000', 'tok']),
    );
  });
});

describe(msgSignature.name, () => {
  it('includes the Encrypt text in the sort', () => {
    expect(msgSignature('tok', '1700000000', '42', 'AAAA')).toBe(
      sha1('1700000000' + '42' + 'AAAA' + 'tok'),
    );
    expect(msgSignature('tok', '1700000000', '42', 'AAAA')).not.toBe(
      urlSignature('tok', '1700000000', '42'),
    );
  });
});

describe(signaturesEqual.name, () => {
  const digest = sha1('x');

  it('accepts identical digests, in either letter case', () => {
    expect(signaturesEqual(digest, digest)).toBe(true);
    expect(signaturesEqual(digest, digest.toUpperCase())).toBe(true);
  });

  it('rejects a digest that differs in one nibble', () => {
    const last = digest.endsWith('0') ? '1' : '0';
    expect(signaturesEqual(digest, digest.slice(0, -1) + last)).toBe(false);
  });

  it.each([
    ['a shorter digest', digest.slice(0, -2)],
    ['a longer digest', `${digest}00`],
    ['an odd-length digest', digest.slice(0, -1)],
    ['non-hex characters', `${digest.slice(0, -2)}zz`],
    ['surrounding whitespace', ` ${digest}`],
    ['an empty string', ''],
  ])('returns false for %s', (_label, actual) => {
    expect(signaturesEqual(digest, actual)).toBe(false);
  });

  it('returns false when both sides are empty', () => {
    expect(signaturesEqual('', '')).toBe(false);
  });

  it('returns false, without throwing, for non-string input', () => {
    const values: unknown[] = [undefined, null, 42, ['a'], { length: 40 }, Buffer.from(digest)];
    for (const value of values) {
      expect(signaturesEqual(digest, value as string)).toBe(false);
      expect(signaturesEqual(value as string, digest)).toBe(false);
    }
  });
});
