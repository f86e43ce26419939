import { buildWechatXml } from './xml-build';
import { parseWechatXml } from './xml-parse';
import type { WechatXmlObject } from './xml-types';

describe(buildWechatXml.name, () => {
  it('writes strings as CDATA and numbers bare, in key order', () => {
    expect(
      buildWechatXml({
        ToUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        FromUserName: 'gh_97417a04a28d',
        CreateTime: 1714112445,
        MsgType: 'text',
        Content: 'hello',
      }),
    ).toBe(
      '<xml><ToUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></ToUserName>' +
        '<FromUserName><![CDATA[gh_97417a04a28d]]></FromUserName>' +
        '<CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType>' +
        '<Content><![CDATA[hello]]></Content></xml>',
    );
  });

  it('splits "]]>" inside a string across two CDATA sections', () => {
    expect(buildWechatXml({ A: 'a]]>b' })).toBe('<xml><A><![CDATA[a]]]]><![CDATA[>b]]></A></xml>');
  });

  it.each([
    'a]]>b',
    ']]>',
    ']]>]]>',
    ']]]>>',
    'x]]',
    '<![CDATA[nested]]>',
    '  spaces, \n newlines\n and <tags> & entities &amp; ',
    '中文 😀 <a href="https://example.com">link</a>',
    '',
  ])('round-trips %j through parseWechatXml', (text) => {
    expect(parseWechatXml(buildWechatXml({ Content: text }))).toEqual({ Content: text });
  });

  it('nests objects and repeats array elements', () => {
    const reply = {
      ToUserName: 'user',
      MsgType: 'news',
      ArticleCount: 2,
      Articles: {
        item: [
          { Title: 'one', Url: 'https://a.example/?x=1&y=2' },
          { Title: 'two', Url: 'https://b.example/' },
        ],
      },
      Image: { MediaId: 'media-1' },
    };
    const xml = buildWechatXml(reply);
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[user]]></ToUserName><MsgType><![CDATA[news]]></MsgType>' +
        '<ArticleCount>2</ArticleCount><Articles>' +
        '<item><Title><![CDATA[one]]></Title><Url><![CDATA[https://a.example/?x=1&y=2]]></Url></item>' +
        '<item><Title><![CDATA[two]]></Title><Url><![CDATA[https://b.example/]]></Url></item>' +
        '</Articles><Image><MediaId><![CDATA[media-1]]></MediaId></Image></xml>',
    );
    expect(parseWechatXml(xml)).toEqual({ ...reply, ArticleCount: '2' });
  });

  it('round-trips a parsed document', () => {
    const parsed: WechatXmlObject = parseWechatXml(
      '<xml><A>1</A><B><C>x</C><C>y</C></B><D></D><A>2</A></xml>',
    );
    expect(parseWechatXml(buildWechatXml(parsed))).toEqual(parsed);
  });

  it('writes an empty object as an empty element and an empty array as nothing', () => {
    expect(buildWechatXml({ A: {}, B: [] })).toBe('<xml><A></A></xml>');
  });

  it('writes <xml></xml> for no fields', () => {
    expect(buildWechatXml({})).toBe('<xml></xml>');
  });

  it.each(['', '1abc', 'a b', 'a<b', 'x:y', 'ä'])('refuses the element name %j', (name) => {
    expect(() => buildWechatXml({ [name]: 'v' })).toThrow(TypeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses the number %p', (value) => {
    expect(() => buildWechatXml({ A: value })).toThrow(TypeError);
  });

  it('refuses arrays nested directly in arrays and unsupported runtime values', () => {
    expect(() => buildWechatXml({ A: [['x']] })).toThrow(TypeError);
    for (const value of [undefined, null, true, 1n]) {
      expect(() => buildWechatXml({ A: value as unknown as string })).toThrow(TypeError);
    }
  });
});
