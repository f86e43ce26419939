import { decryptForApp, decryptMessage, encryptMessage } from './message-cipher';
import { pkcs7Pad32 } from './pkcs7';
import { expectCryptoError, thrownBy } from './test-support/expect-error';
import { layout, rawDecrypt, rawEncrypt } from './test-support/raw-cipher';
import { WechatCryptoError } from './errors';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OTHER_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APP_ID = 'wxb11529c136998cb6';
const RANDOM = Buffer.from('0123456789abcdef', 'latin1');

const XML_TEXT =
  '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Content><![CDATA[hi]]></Content></xml>';

describe(encryptMessage.name, () => {
  it.each([
    ['CJK text', '你好，世界！客服请回复'],
    ['emoji (astral plane, 4 UTF-8 bytes each)', 'thanks 👍🏽🎉 – done'],
    [
      'mixed CJK, emoji and newlines',
      '<xml><Content><![CDATA[第一行\n😀 second line]]></Content></xml>',
    ],
  ])('round-trips %s with the UTF-8 byte length in the length field', (_label, message) => {
    const encrypt = encryptMessage(KEY, message, APP_ID, RANDOM);
    const plain = rawDecrypt(KEY, encrypt);
    expect(plain.readUInt32BE(16)).toBe(Buffer.byteLength(message, 'utf8'));
    expect(plain.readUInt32BE(16)).not.toBe(message.length);
    expect(decryptMessage(KEY, encrypt)).toEqual({ message, appId: APP_ID, random: RANDOM });
  });

  it('round-trips the empty message and a leading BOM unchanged', () => {
    for (const message of ['', '\uFEFF<xml/>']) {
      expect(decryptMessage(KEY, encryptMessage(KEY, message, APP_ID)).message).toBe(message);
    }
  });

  it('produces the plaintext layout random16 ‖ uint32be(len) ‖ msg ‖ appid', () => {
    const plain = rawDecrypt(KEY, encryptMessage(KEY, 'abc', APP_ID, RANDOM));
    const fullStr = Buffer.concat([RANDOM, Buffer.from([0, 0, 0, 3]), Buffer.from(`abc${APP_ID}`)]);
    expect(plain.equals(pkcs7Pad32(fullStr))).toBe(true);
  });

  it.each(Array.from({ length: 32 }, (_, i) => i + 1))(
    'round-trips a message whose padding is %i bytes',
    (pad) => {
      // FullStr = 20 + len + appid bytes; choose len so that 32 - FullStr % 32 === pad.
      const fixed = 20 + APP_ID.length;
      const length = (((32 - pad - fixed) % 32) + 32) % 32;
      const message = 'm'.repeat(length);
      const encrypt = encryptMessage(KEY, message, APP_ID, RANDOM);
      const plain = rawDecrypt(KEY, encrypt);
      expect(plain[plain.length - 1]).toBe(pad);
      expect(decryptMessage(KEY, encrypt).message).toBe(message);
    },
  );

  it('is deterministic for a given random prefix and random by default', () => {
    expect(encryptMessage(KEY, XML_TEXT, APP_ID, RANDOM)).toBe(
      encryptMessage(KEY, XML_TEXT, APP_ID, RANDOM),
    );
    const a = encryptMessage(KEY, XML_TEXT, APP_ID);
    const b = encryptMessage(KEY, XML_TEXT, APP_ID);
    expect(a).not.toBe(b);
    expect(decryptMessage(KEY, a).random).not.toEqual(decryptMessage(KEY, b).random);
  });

  it('throws INVALID_AES_KEY for a bad EncodingAESKey', () => {
    expectCryptoError(() => encryptMessage('short', XML_TEXT, APP_ID), 'INVALID_AES_KEY');
  });

  it.each([0, 15, 17, 32])('refuses a %i-byte random prefix', (size) => {
    expect(() => encryptMessage(KEY, XML_TEXT, APP_ID, Buffer.alloc(size))).toThrow(RangeError);
  });
});

describe(decryptMessage.name, () => {
  const encrypt = encryptMessage(KEY, XML_TEXT, APP_ID, RANDOM);

  it('throws INVALID_AES_KEY for a bad EncodingAESKey', () => {
    expectCryptoError(() => decryptMessage(`${KEY}=`, encrypt), 'INVALID_AES_KEY');
  });

  it.each([
    ['characters outside the alphabet', 'not base64!'],
    ['an inner space', `${encrypt.slice(0, 8)} ${encrypt.slice(8)}`],
    ['a trailing newline', `${encrypt}\n`],
    [
      'URL-safe characters',
      encrypt.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '') + 'AA-_',
    ],
    ['a length that is not a multiple of 4', encrypt.replace(/=+$/, '')],
    ['padding in the middle', `AA==${encrypt}`],
    ['CJK text', '密文测试'],
  ])('throws BAD_BASE64 for %s', (_label, text) => {
    expectCryptoError(() => decryptMessage(KEY, text), 'BAD_BASE64');
  });

  it.each([
    ['empty text', ''],
    ['3 bytes', 'AAAA'],
    ['17 bytes', Buffer.alloc(17).toString('base64')],
    ['33 bytes', Buffer.alloc(33).toString('base64')],
  ])('throws BAD_BLOCK_LENGTH for %s', (_label, text) => {
    expectCryptoError(() => decryptMessage(KEY, text), 'BAD_BLOCK_LENGTH');
  });

  it('accepts a 48-byte ciphertext (a 16-byte multiple) when its padding is valid', () => {
    const message = 'hi👋 yo';
    const body = Buffer.from(message, 'utf8');
    const fullStr = layout(RANDOM, body.length, body, Buffer.from(APP_ID));
    expect(fullStr.length).toBe(47);
    const forged = rawEncrypt(KEY, Buffer.concat([fullStr, Buffer.from([1])]));
    expect(Buffer.from(forged, 'base64')).toHaveLength(48);
    expect(decryptMessage(KEY, forged)).toEqual({
      message,
      appId: APP_ID,
      random: RANDOM,
    });
  });

  it.each([
    ['a pad byte of 0', Buffer.alloc(32, 0)],
    ['a pad byte of 33', Buffer.alloc(64, 33)],
    ['pad bytes that disagree', Buffer.concat([Buffer.alloc(30, 7), Buffer.from([2, 3])])],
  ])('throws BAD_PADDING for a plaintext with %s', (_label, plain) => {
    expectCryptoError(() => decryptMessage(KEY, rawEncrypt(KEY, plain)), 'BAD_PADDING');
  });

  it.each([
    ['shorter than 20 bytes', pkcs7Pad32(Buffer.alloc(19, 65))],
    [
      'a length field past the end',
      pkcs7Pad32(layout(RANDOM, 40, Buffer.from('short'), Buffer.alloc(0))),
    ],
    [
      'a length field of 2^32 - 1',
      pkcs7Pad32(layout(RANDOM, 0xffffffff, Buffer.alloc(8), Buffer.alloc(0))),
    ],
    [
      'a message that is not UTF-8',
      pkcs7Pad32(layout(RANDOM, 2, Buffer.from([0xc3, 0x28]), Buffer.from(APP_ID))),
    ],
    [
      'an appid that is not UTF-8',
      pkcs7Pad32(layout(RANDOM, 1, Buffer.from('x'), Buffer.from([0xff, 0xfe]))),
    ],
  ])('throws BAD_LAYOUT for a plaintext %s', (_label, plain) => {
    expectCryptoError(() => decryptMessage(KEY, rawEncrypt(KEY, plain)), 'BAD_LAYOUT');
  });

  it('accepts exactly 20 + len bytes (an empty trailing appid)', () => {
    const plain = pkcs7Pad32(layout(RANDOM, 3, Buffer.from('abc'), Buffer.alloc(0)));
    expect(decryptMessage(KEY, rawEncrypt(KEY, plain))).toEqual({
      message: 'abc',
      appId: '',
      random: RANDOM,
    });
  });

  it('throws BAD_PADDING or BAD_LAYOUT with the wrong key', () => {
    expectCryptoError(() => decryptMessage(OTHER_KEY, encrypt), 'BAD_PADDING', 'BAD_LAYOUT');
  });

  it('throws BAD_PADDING when the last block is tampered with', () => {
    const bytes = Buffer.from(encrypt, 'base64');
    bytes[bytes.length - 1] ^= 0x01;
    expectCryptoError(() => decryptMessage(KEY, bytes.toString('base64')), 'BAD_PADDING');
  });

  it('never throws anything but BAD_PADDING/BAD_LAYOUT for any single flipped byte', () => {
    // CBC is malleable: some flips still decrypt (to different content). msg_signature is the integrity check.
    const original = Buffer.from(encrypt, 'base64');
    for (let i = 0; i < original.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const tampered = Buffer.from(original);
        tampered[i] ^= mask;
        const text = tampered.toString('base64');
        let result: ReturnType<typeof decryptMessage> | undefined;
        try {
          result = decryptMessage(KEY, text);
        } catch (error) {
          expect(error).toBeInstanceOf(WechatCryptoError);
          expect(['BAD_PADDING', 'BAD_LAYOUT']).toContain((error as WechatCryptoError).code);
        }
        if (result) {
          expect(result).not.toEqual({ message: XML_TEXT, appId: APP_ID, random: RANDOM });
        }
      }
    }
  });

  it('never throws a raw error for random ciphertexts of valid length', () => {
    for (let blocks = 1; blocks <= 6; blocks++) {
      for (let seed = 0; seed < 20; seed++) {
        const garbage = Buffer.from(
          Array.from({ length: blocks * 16 }, (_, i) => (i * 131 + seed * 17 + blocks) % 256),
        );
        const error = thrownBy(() => decryptMessage(KEY, garbage.toString('base64')));
        expect(error).toBeInstanceOf(WechatCryptoError);
      }
    }
  });
});

describe(decryptForApp.name, () => {
  const CURRENT = 'CyjBvGm4tJNmcThkeL5Wajzom4jKlBygKtpTkYeqsnE';
  const PREVIOUS = KEY;

  it('uses the current key when it works', () => {
    const encrypt = encryptMessage(CURRENT, XML_TEXT, APP_ID, RANDOM);
    expect(decryptForApp([CURRENT, PREVIOUS], encrypt, APP_ID)).toEqual({
      message: XML_TEXT,
      appId: APP_ID,
      random: RANDOM,
      keyIndex: 0,
    });
  });

  it('falls back to the previous key after a rotation (keyIndex 1)', () => {
    const encrypt = encryptMessage(PREVIOUS, XML_TEXT, APP_ID, RANDOM);
    const decrypted = decryptForApp([CURRENT, PREVIOUS], encrypt, APP_ID);
    expect(decrypted.keyIndex).toBe(1);
    expect(decrypted.message).toBe(XML_TEXT);
  });

  it('skips an invalid key in the list', () => {
    const encrypt = encryptMessage(PREVIOUS, XML_TEXT, APP_ID);
    expect(decryptForApp(['', PREVIOUS], encrypt, APP_ID).keyIndex).toBe(1);
  });

  it('throws APPID_MISMATCH when the only clean decryption carries another appid', () => {
    const encrypt = encryptMessage(PREVIOUS, XML_TEXT, 'wxOTHERAPP00000000', RANDOM);
    const error = expectCryptoError(
      () => decryptForApp([CURRENT, PREVIOUS], encrypt, APP_ID),
      'APPID_MISMATCH',
    );
    expect(error.message).not.toContain(XML_TEXT);
  });

  it('is case-sensitive about the appid', () => {
    const encrypt = encryptMessage(KEY, XML_TEXT, APP_ID);
    expectCryptoError(() => decryptForApp([KEY], encrypt, APP_ID.toUpperCase()), 'APPID_MISMATCH');
  });

  it("throws the first key's error code when no key decrypts cleanly", () => {
    const encrypt = encryptMessage(KEY, XML_TEXT, APP_ID);
    const first = thrownBy(() => decryptMessage(CURRENT, encrypt)) as WechatCryptoError;
    expectCryptoError(() => decryptForApp([CURRENT, OTHER_KEY], encrypt, APP_ID), first.code);
    expectCryptoError(() => decryptForApp(['bad', CURRENT], encrypt, APP_ID), 'INVALID_AES_KEY');
    expectCryptoError(() => decryptForApp([KEY, CURRENT], 'AA', APP_ID), 'BAD_BASE64');
  });

  it('throws INVALID_AES_KEY for an empty key list', () => {
    expectCryptoError(
      () => decryptForApp([], encryptMessage(KEY, 'x', APP_ID), APP_ID),
      'INVALID_AES_KEY',
    );
  });
});
