import { createHmac } from 'node:crypto';

import { DocumentLinks } from './document-links';

const key = Buffer.alloc(32, 9);
const id = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';
const now = new Date('2026-12-06T12:00:00.000Z');
const links = new DocumentLinks({ key, baseUrl: 'https://files.example.com/desk/', ttlHours: 168 });

const partsOf = (url: string): { path: string; expires: string; signature: string } => {
  const parsed = new URL(url);
  return {
    path: `${parsed.origin}${parsed.pathname}`,
    expires: parsed.searchParams.get('expires') ?? '',
    signature: parsed.searchParams.get('signature') ?? '',
  };
};

describe(DocumentLinks.name, () => {
  it('links under the public base, expiring after the configured hours', () => {
    const { url, expiresAt } = links.linkFor(id, now);
    const { path, expires, signature } = partsOf(url);
    expect(path).toBe(`https://files.example.com/desk/files/${id}`);
    expect(expiresAt.toISOString()).toBe('2026-12-13T12:00:00.000Z');
    expect(Number(expires)).toBe(expiresAt.getTime() / 1000);
    expect(signature).toBe(
      createHmac('sha256', key).update(`${id}.${expires}`).digest('base64url'),
    );
  });

  it('accepts its own link until the second it expires, then says expired', () => {
    const { url, expiresAt } = links.linkFor(id, now);
    const { expires, signature } = partsOf(url);
    expect(links.check(id, expires, signature, now)).toBe('valid');
    expect(links.check(id, expires, signature, new Date(expiresAt.getTime() - 1))).toBe('valid');
    expect(links.check(id, expires, signature, expiresAt)).toBe('expired');
  });

  it('refuses a link for another file, a changed expiry, a changed or missing signature', () => {
    const { expires, signature } = partsOf(links.linkFor(id, now).url);
    const other = '00000000-0000-4000-8000-000000000000';
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.slice(-1)}`;
    expect(links.check(other, expires, signature, now)).toBe('invalid');
    expect(links.check(id, String(Number(expires) + 3600), signature, now)).toBe('invalid');
    expect(links.check(id, expires, flipped, now)).toBe('invalid');
    expect(links.check(id, expires, undefined, now)).toBe('invalid');
    expect(links.check(id, undefined, signature, now)).toBe('invalid');
    expect(links.check(id, '1e12', signature, now)).toBe('invalid');
    expect(links.check(id, expires, `${signature}=`, now)).toBe('invalid');
  });

  it('refuses a link signed under another key, even an expired one as invalid', () => {
    const foreign = new DocumentLinks({
      key: Buffer.alloc(32, 1),
      baseUrl: 'http://x',
      ttlHours: 1,
    });
    const { expires, signature } = partsOf(foreign.linkFor(id, new Date(0)).url);
    expect(links.check(id, expires, signature, now)).toBe('invalid');
  });

  it('refuses a key too short to be secret', () => {
    expect(
      () => new DocumentLinks({ key: Buffer.alloc(16), baseUrl: 'http://x', ttlHours: 1 }),
    ).toThrow('32 bytes');
  });
});
