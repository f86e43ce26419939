import { expectXmlError } from './test-support/expect-error';
import { wechatEntityDecoder } from './xml-entities';

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
