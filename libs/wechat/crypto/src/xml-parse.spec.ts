import { expectXmlError } from './test-support/expect-error';
import { parseWechatXml } from './xml-parse';

describe(parseWechatXml.name, () => {
  describe('values', () => {
    it('returns the children of <xml> as strings, CDATA unwrapped', () => {
      const xml = `<xml>
        <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>
        <FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>
        <CreateTime>1714112445</CreateTime>
        <MsgType><![CDATA[text]]></MsgType>
        <Content><![CDATA[你好]]></Content>
        <MsgId>7250021412600020992</MsgId>
      </xml>`;
      expect(parseWechatXml(xml)).toEqual({
        ToUserName: 'gh_97417a04a28d',
        FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        CreateTime: '1714112445',
        MsgType: 'text',
        Content: '你好',
        MsgId: '7250021412600020992',
      });
    });

    it('keeps 64-bit ids and number-like text exactly as written', () => {
      const fields = parseWechatXml(
        '<xml><MsgId>7250021412600020992</MsgId><MsgID>18446744073709551615</MsgID>' +
          '<Hex>0x1F</Hex><Zero>007</Zero><Exp>1e3</Exp><Neg>-0</Neg><Lat>23.134521</Lat></xml>',
      );
      expect(fields).toEqual({
        MsgId: '7250021412600020992',
        MsgID: '18446744073709551615',
        Hex: '0x1F',
        Zero: '007',
        Exp: '1e3',
        Neg: '-0',
        Lat: '23.134521',
      });
      // As a JS number the id would round to 7250021412600021000.
      expect(String(Number(fields['MsgId']))).not.toBe(fields['MsgId']);
    });

    it('trims whitespace around CDATA but keeps the CDATA content exactly', () => {
      const content = '  leading spaces\n\tsecond line\n  <b>not a tag</b> &amp; not an entity  ';
      const fields = parseWechatXml(
        `<xml>\n  <Content>\n    <![CDATA[${content}]]>\n  </Content>\n</xml>`,
      );
      expect(fields['Content']).toBe(content);
    });

    it('normalises CRLF to LF, as every XML parser must', () => {
      expect(parseWechatXml('<xml><A><![CDATA[a\r\nb]]></A></xml>')['A']).toBe('a\nb');
    });

    it('trims plain text and decodes the built-in entities and character references', () => {
      expect(
        parseWechatXml(
          '<xml><A>  a &lt; b &gt; c &amp; &quot;d&quot; &apos;e&apos;  </A><B>&#20013;&#x6587;&#x1F600;</B></xml>',
        ),
      ).toEqual({ A: 'a < b > c & "d" \'e\'', B: '中文😀' });
    });

    it('leaves other named entities literal instead of expanding them', () => {
      expect(parseWechatXml('<xml><A>&nbsp;&foo;&copy;</A></xml>')['A']).toBe('&nbsp;&foo;&copy;');
    });

    it('rejects character references to non-XML characters', () => {
      expectXmlError(() => parseWechatXml('<xml><A>&#0;</A></xml>'), 'MALFORMED');
      expectXmlError(() => parseWechatXml('<xml><A>&#xD800;</A></xml>'), 'MALFORMED');
      expectXmlError(() => parseWechatXml('<xml><A>&#x110000;</A></xml>'), 'MALFORMED');
    });

    it('concatenates text split across several CDATA sections', () => {
      expect(parseWechatXml('<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A></xml>')['A']).toBe('x]]>y');
    });

    it('returns empty strings for empty elements', () => {
      expect(
        parseWechatXml('<xml><EventKey></EventKey><Ticket/><C><![CDATA[]]></C></xml>'),
      ).toEqual({
        EventKey: '',
        Ticket: '',
        C: '',
      });
    });

    it('ignores attributes, comments, the XML declaration and a BOM', () => {
      expect(
        parseWechatXml(
          '\uFEFF<?xml version="1.0" encoding="utf-8"?><!-- push --><xml a="1"><A b="2">x</A><!-- c --></xml>',
        ),
      ).toEqual({ A: 'x' });
    });

    it('returns an empty object for an empty <xml/>', () => {
      expect(parseWechatXml('<xml/>')).toEqual({});
      expect(parseWechatXml('<xml>\n</xml>')).toEqual({});
    });
  });

  describe('nesting', () => {
    it('parses scancode events into nested objects', () => {
      const xml =
        '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><MsgType><![CDATA[event]]></MsgType>' +
        '<Event><![CDATA[scancode_waitmsg]]></Event><EventKey><![CDATA[rselfmenu_0_0]]></EventKey>' +
        '<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>';
      expect(parseWechatXml(xml)).toEqual({
        ToUserName: 'gh_1',
        MsgType: 'event',
        Event: 'scancode_waitmsg',
        EventKey: 'rselfmenu_0_0',
        ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' },
      });
    });

    it('keeps a single PicList item as an object and repeated items as an array', () => {
      const one =
        '<xml><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>';
      expect(parseWechatXml(one)).toEqual({
        SendPicsInfo: {
          Count: '1',
          PicList: { item: { PicMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' } },
        },
      });
      const two =
        '<xml><SendPicsInfo><Count>2</Count><PicList>' +
        '<item><PicMd5Sum><![CDATA[aaa]]></PicMd5Sum></item>' +
        '<item><PicMd5Sum><![CDATA[bbb]]></PicMd5Sum></item>' +
        '</PicList></SendPicsInfo></xml>';
      expect(parseWechatXml(two)).toEqual({
        SendPicsInfo: {
          Count: '2',
          PicList: { item: [{ PicMd5Sum: 'aaa' }, { PicMd5Sum: 'bbb' }] },
        },
      });
    });

    it('collects repeated top-level elements into an array in document order', () => {
      expect(parseWechatXml('<xml><A>1</A><B>x</B><A>2</A><A>3</A></xml>')).toEqual({
        A: ['1', '2', '3'],
        B: 'x',
      });
    });

    it('drops stray text next to child elements', () => {
      expect(parseWechatXml('<xml><A>text<B>1</B>more</A></xml>')).toEqual({ A: { B: '1' } });
    });
  });

  describe('refusals', () => {
    it.each([
      ['an empty string', ''],
      ['whitespace only', ' \n\t '],
    ])('throws EMPTY for %s', (_label, xml) => {
      expectXmlError(() => parseWechatXml(xml), 'EMPTY');
    });

    it('throws EMPTY for a non-string', () => {
      expectXmlError(() => parseWechatXml(undefined as unknown as string), 'EMPTY');
    });

    it.each([
      ['a DOCTYPE', '<!DOCTYPE xml><xml><A>1</A></xml>'],
      ['a lower-case doctype', '<!doctype xml><xml><A>1</A></xml>'],
      [
        'an external entity (XXE)',
        '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>',
      ],
      [
        'billion laughs',
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><A>&lol3;</A></xml>',
      ],
      ['a stray ENTITY declaration', '<xml><!ENTITY a "b"><A>&a;</A></xml>'],
      ['a mixed-case EnTiTy', '<xml><!EnTiTy a "b"><A>1</A></xml>'],
      ['a DOCTYPE inside an element', '<xml><A><!DOCTYPE x></A></xml>'],
      ['a DOCTYPE after an unterminated CDATA', '<xml><A><![CDATA[x</A></xml><!DOCTYPE x>'],
    ])('throws FORBIDDEN_DTD for %s', (_label, xml) => {
      expectXmlError(() => parseWechatXml(xml), 'FORBIDDEN_DTD');
    });

    it('refuses a DOCTYPE hidden from the text scan behind a commented-out CDATA opener', () => {
      const xml =
        '<!-- <![CDATA[ --><!DOCTYPE xml [<!ENTITY a "expanded">]><!-- ]]> --><xml><A>&a;</A></xml>';
      expectXmlError(() => parseWechatXml(xml), 'FORBIDDEN_DTD');
    });

    it('accepts "<!DOCTYPE" as user text inside CDATA', () => {
      const content = 'my page: <!DOCTYPE html><html></html> and <!ENTITY x "y">';
      expect(parseWechatXml(`<xml><Content><![CDATA[${content}]]></Content></xml>`)).toEqual({
        Content: content,
      });
    });

    it.each([
      ['an unclosed root', '<xml><A>1</A>'],
      ['mismatched tags', '<xml><A>1</B></xml>'],
      ['two root elements', '<xml><A>1</A></xml><xml><A>2</A></xml>'],
      ['trailing text', '<xml><A>1</A></xml>trailing'],
      ['plain text', 'success'],
      ['JSON', '{"ToUserName":"gh_1"}'],
      ['a bare ampersand', '<xml><A>a & b</A></xml>'],
      ['an unterminated CDATA section', '<xml><A><![CDATA[abc</A></xml>'],
    ])('throws MALFORMED for %s', (_label, xml) => {
      expectXmlError(() => parseWechatXml(xml), 'MALFORMED');
    });

    it.each([
      ['another root name', '<root><A>1</A></root>'],
      ['an upper-case root', '<XML><A>1</A></XML>'],
      ['text directly in <xml>', '<xml>hello</xml>'],
    ])('throws NOT_WECHAT_XML for %s', (_label, xml) => {
      expectXmlError(() => parseWechatXml(xml), 'NOT_WECHAT_XML');
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'])(
      'refuses an element named %s, at the top level and nested',
      (name) => {
        expectXmlError(
          () => parseWechatXml(`<xml><${name}><polluted>1</polluted></${name}></xml>`),
          'MALFORMED',
        );
        expectXmlError(
          () => parseWechatXml(`<xml><A><${name}><polluted>1</polluted></${name}></A></xml>`),
          'MALFORMED',
        );
        expectXmlError(() => parseWechatXml(`<xml><${name}>1</${name}></xml>`), 'MALFORMED');
      },
    );

    it('returns ordinary objects whose prototype is untouched', () => {
      const fields = parseWechatXml('<xml><polluted_not>1</polluted_not><A><B>2</B></A></xml>');
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(fields['A'])).toBe(Object.prototype);
    });
  });

  describe('strictness and hostile input', () => {
    it('accepts nesting up to 64 elements deep and refuses deeper nesting as MALFORMED', () => {
      const nested = (depth: number): string =>
        `<xml>${'<a>'.repeat(depth - 1)}1${'</a>'.repeat(depth - 1)}</xml>`;
      let expected: string | Record<string, unknown> = '1';
      for (let i = 0; i < 63; i++) {
        expected = { a: expected };
      }
      expect(parseWechatXml(nested(64))).toEqual(expected);
      expectXmlError(() => parseWechatXml(nested(65)), 'MALFORMED');
      expectXmlError(
        () => parseWechatXml(`<xml>${'<a>'.repeat(63)}<b/>${'</a>'.repeat(63)}</xml>`),
        'MALFORMED',
      );
    });

    it.each([
      ['a bare < in text', '<xml><A>a < b</A></xml>'],
      ['an end tag with attributes', '<xml><A>1</A b="1"></xml>'],
      ['an end tag without start tag', '<xml><A>1</A></B></xml>'],
      ['an invalid element name', '<xml><1A>1</1A></xml>'],
      ['a space after <', '<xml>< A>1</A></xml>'],
      ['a slash inside a start tag', '<xml><A/ ></xml>'],
      ['a boolean attribute', '<xml><A b>1</A></xml>'],
      ['an unquoted attribute', '<xml><A b=1>1</A></xml>'],
      ['a repeated attribute', '<xml><A b="1" b="2">1</A></xml>'],
      ['attributes without a space between them', '<xml><A b="1"c="2">1</A></xml>'],
      ['an unterminated comment', '<xml><A>1</A><!-- x</xml>'],
      ['an unterminated processing instruction', '<xml><A>1</A><?pi </xml>'],
      ['a declaration after the start', '<xml><?xml version="1.0"?><A>1</A></xml>'],
      ['a declaration after whitespace', ' <?xml version="1.0"?><xml><A>1</A></xml>'],
      ['text before the root', 'x<xml><A>1</A></xml>'],
      ['only a comment', '<!-- x -->'],
      ['a reference to a non-XML character inside dropped text', '<xml><A>&#0;<B>1</B></A></xml>'],
      ['an astral character in a name', '<xml><A\u{10000}>1</A\u{10000}></xml>'],
    ])('throws MALFORMED for %s', (_label, xml) => {
      expectXmlError(() => parseWechatXml(xml), 'MALFORMED');
    });

    it('accepts attributes of every well-formed shape and ignores them', () => {
      expect(
        parseWechatXml(
          '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
            '<xml a="1"><A b = "x &amp; y" c=\'"\' d=">" e:f="&#20013;" >1</A ><B g="1"/></xml>',
        ),
      ).toEqual({ A: '1', B: '' });
    });

    it('joins text around comments before trimming, and splits it at CDATA and processing instructions', () => {
      expect(
        parseWechatXml('<xml><A> a <!-- c --> b <![CDATA[ x ]]> c </A><B> d <?pi?> e </B></xml>'),
      ).toEqual({ A: 'a  b x c', B: 'de' });
      // A reference may not span a comment.
      expectXmlError(() => parseWechatXml('<xml><C>&am<!-- -->p;</C></xml>'), 'MALFORMED');
    });

    const MIB = 1024 * 1024;
    it.each([
      ['deep nesting', `<xml>${'<a>'.repeat(MIB / 3)}`, 'MALFORMED'],
      ['ampersands', `<xml><A>${'&'.repeat(MIB)}</A></xml>`, 'MALFORMED'],
      ['unfinished references', `<xml><A>${'&#1'.repeat(MIB / 3)}</A></xml>`, 'MALFORMED'],
      ['comment openers', `<xml><A>${'<!--'.repeat(MIB / 4)}</A></xml>`, 'MALFORMED'],
      ['CDATA openers', `<xml><A>${'<![CDATA['.repeat(MIB / 9)}</A></xml>`, 'MALFORMED'],
      ['markup declaration openers', `<xml><A>${'<!  '.repeat(MIB / 4)}</A></xml>`, 'MALFORMED'],
      [
        'processing instruction openers',
        `<xml><A>${'<?a '.repeat(MIB / 4)}</A></xml>`,
        'MALFORMED',
      ],
      ['spaces in a start tag', `<xml><A${' '.repeat(MIB)}`, 'MALFORMED'],
      ['an unterminated attribute', `<xml><A b="${'x'.repeat(MIB)}`, 'MALFORMED'],
      ['brackets', `<xml><A>${']'.repeat(MIB)}</A>`, 'MALFORMED'],
      [
        'a DOCTYPE after a megabyte',
        `<xml><A>${'x'.repeat(MIB)}</A></xml><!DOCTYPE x>`,
        'FORBIDDEN_DTD',
      ],
    ])('fails fast on a megabyte of %s', (_label, xml, code) => {
      const started = Date.now();
      expectXmlError(() => parseWechatXml(xml), code as 'MALFORMED' | 'FORBIDDEN_DTD');
      // Linear work takes milliseconds; anything quadratic would take minutes.
      expect(Date.now() - started).toBeLessThan(2000);
    });

    /** `unit` repeated to fill a megabyte, and how many times it was repeated. */
    const megabyteOf = (unit: string): [string, number] => {
      const count = Math.floor(MIB / unit.length);
      return [unit.repeat(count), count];
    };
    const [elements, elementCount] = megabyteOf('<A>1</A>');
    const [commented, commentedCount] = megabyteOf('a<!---->');
    const [sections, sectionCount] = megabyteOf('<![CDATA[x]]>');
    const [references, referenceCount] = megabyteOf('&amp;');
    const attributes = Array.from({ length: MIB / 16 }, (_, i) => ` a${i}="1"`).join('');
    it.each([
      ['repeated elements', `<xml>${elements}</xml>`, elementCount],
      ['text split by comments', `<xml><A>${commented}</A></xml>`, commentedCount],
      ['CDATA sections', `<xml><A>${sections}</A></xml>`, sectionCount],
      ['references', `<xml><A>${references}</A></xml>`, referenceCount],
      ['attributes', `<xml><A${attributes}>0123456789</A></xml>`, 10],
    ])('parses a megabyte of %s in linear time', (_label, xml, size) => {
      const started = Date.now();
      const value = parseWechatXml(xml)['A'];
      expect(Date.now() - started).toBeLessThan(2000);
      expect(typeof value === 'string' ? value.length : (value as unknown[]).length).toBe(size);
    });
  });
});
