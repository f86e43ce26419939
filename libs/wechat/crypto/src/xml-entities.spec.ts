import { expectXmlError } from './test-support/expect-error';
import { decodeXmlText, wechatEntityDecoder } from './xml-entities';

describe('wechatEntityDecoder', () => {
  describe('decode', () => {
    it('decodes the five XML built-ins', () => {
      expect(wechatEntityDecoder.decode('&lt;&gt;&amp;&quot;&apos;')).toBe(`<>&"'`);
    });

    it('decodes decimal and hexadecimal character references, including astral ones', () => {
      expect(wechatEntityDecoder.decode('&#65;&#x42;&#X43;&#x1f600;&#0000065;')).toBe(
        'AB&#X43;😀A',
      );
    });

    it('decodes only one level: &amp;lt; becomes &lt;, not <', () => {
      expect(wechatEntityDecoder.decode('&amp;lt;')).toBe('&lt;');
    });

    it('leaves unknown and HTML entities literal', () => {
      expect(wechatEntityDecoder.decode('&nbsp; &lol; &LT; &#; &#x;')).toBe(
        '&nbsp; &lol; &LT; &#; &#x;',
      );
    });

    it.each(['&#0;', '&#8;', '&#xFFFE;', '&#xDFFF;', '&#x110000;', `&#${'9'.repeat(400)};`])(
      'refuses %s as MALFORMED',
      (text) => {
        expectXmlError(() => wechatEntityDecoder.decode(text), 'MALFORMED');
      },
    );
  });

  describe('addInputEntities', () => {
    it('refuses any DOCTYPE the parser reads, even one without entities', () => {
      expectXmlError(() => wechatEntityDecoder.addInputEntities({}), 'FORBIDDEN_DTD');
    });
  });
});

describe(decodeXmlText.name, () => {
  it('returns text without references as is', () => {
    expect(decodeXmlText('plain 中文 😀 > ]')).toBe('plain 中文 😀 > ]');
  });

  it('decodes the five built-ins and character references, one level only', () => {
    expect(decodeXmlText('&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1f600;&#0000065; &amp;lt;')).toBe(
      `<>&"' AB😀A &lt;`,
    );
  });

  it('leaves other named entities literal, even Object.prototype member names', () => {
    expect(decodeXmlText('&nbsp;&copy;&toString;&__proto__;&constructor;')).toBe(
      '&nbsp;&copy;&toString;&__proto__;&constructor;',
    );
    expect(decodeXmlText(`&${'e'.repeat(20)};`)).toBe(`&${'e'.repeat(20)};`);
  });

  it.each([
    ['a bare ampersand', 'a & b'],
    ['a trailing ampersand', 'a &'],
    ['an unterminated reference', '&amp'],
    ['an empty name', '&;'],
    ['an empty decimal reference', '&#;'],
    ['an empty hex reference', '&#x;'],
    ['an upper-case X', '&#X41;'],
    ['a name starting with a digit', '&1a;'],
    ['a name with a dash', '&a-b;'],
    ['a name longer than 20 characters', `&${'e'.repeat(21)};`],
    ['a reference to NUL', '&#0;'],
    ['a reference to a surrogate', '&#xD800;'],
    ['a reference past U+10FFFF', '&#x110000;'],
    ['a huge decimal reference', `&#${'9'.repeat(400)};`],
  ])('refuses %s as MALFORMED', (_label, text) => {
    expectXmlError(() => decodeXmlText(text), 'MALFORMED');
  });
});
