import { createHmac, randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, including non-ASCII text', () => {
    const sealed = box.seal('密钥 secret 🔑', 'channel-1');
    expect(sealed).not.toContain('secret');
    expect(box.open(sealed, 'channel-1')).toBe('密钥 secret 🔑');
  });

  it('seals the same text differently each time', () => {
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered box, another key, or other associated data', () => {
    const sealed = box.seal('appsecret', 'channel-1');
    const parts = sealed.split('.');
    const tampered = [parts[0], parts[1], parts[2], Buffer.from('xx').toString('base64url')].join(
      '.',
    );
    expect(() => box.open(tampered, 'channel-1')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'channel-1')).toThrow();
    expect(() => box.open(sealed, 'channel-2')).toThrow();
    expect(() => box.open('garbage', 'channel-1')).toThrow('Not a sealed secret');
  });

  it('reads a master key in hex or base64', () => {
    const key = randomBytes(32);
    const sealed = SecretBox.fromMasterKey(key.toString('hex')).seal('s');
    expect(SecretBox.fromMasterKey(key.toString('base64')).open(sealed)).toBe('s');
  });

  it('refuses a key of the wrong length', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow('32 bytes');
  });

  describe('deriveKey', () => {
    const master = Buffer.alloc(32, 7);
    const box = new SecretBox(master);

    it('is HKDF-SHA256 (RFC 5869) of the master key with the purpose as info and no salt', () => {
      // Extract with the default salt (HashLen zero bytes), then one block of expand.
      const prk = createHmac('sha256', Buffer.alloc(32)).update(master).digest();
      const okm = createHmac('sha256', prk)
        .update(Buffer.concat([Buffer.from('wechat-desk document-links'), Buffer.from([1])]))
        .digest();
      expect(box.deriveKey('wechat-desk document-links').equals(okm)).toBe(true);
    });

    it('gives one key per purpose, and the same one every time', () => {
      expect(box.deriveKey('a').equals(box.deriveKey('a'))).toBe(true);
      expect(box.deriveKey('a').equals(box.deriveKey('b'))).toBe(false);
      expect(box.deriveKey('a').equals(master)).toBe(false);
    });

    it('refuses an empty purpose', () => {
      expect(() => box.deriveKey('')).toThrow('purpose');
    });
  });
});
