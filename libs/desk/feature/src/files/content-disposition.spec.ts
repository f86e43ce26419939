import { contentDisposition } from './content-disposition';

describe(contentDisposition.name, () => {
  it('gives a plain name as it is, twice', () => {
    expect(contentDisposition('invoice-2026.pdf')).toBe(
      `attachment; filename="invoice-2026.pdf"; filename*=UTF-8''invoice-2026.pdf`,
    );
  });

  it('keeps a Chinese name exactly in filename*, with an ASCII fallback', () => {
    const header = contentDisposition('发票 12月.pdf');
    expect(header).toBe(
      `attachment; filename="__ 12_.pdf"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%2012%E6%9C%88.pdf`,
    );
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('发票 12月.pdf');
  });

  it('cannot be broken out of by quotes, backslashes or RFC 8187 specials', () => {
    const header = contentDisposition(`a"b\\c'd(e)*%.txt`);
    expect(header).toBe(
      `attachment; filename="a_b_c'd(e)*_.txt"; filename*=UTF-8''a%22b%5Cc%27d%28e%29%2A%25.txt`,
    );
  });
});
