import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { seededRandom } from '@wechat-desk/shared/testing';

import { WechatXmlError } from './errors';
import { legacyParseWechatXml } from './test-support/legacy-xml-parse';
import { parseWechatXml } from './xml-parse';
import type { WechatXmlObject } from './xml-types';

/*
 * Differential test: the hand-written parser against the previous fast-xml-parser implementation on
 * thousands of random WeChat-shaped documents, then on the same documents with one fault injected.
 * Seeded, so a failure names a reproducible document.
 */

type Outcome = { value: WechatXmlObject } | { error: string };

function outcome(parse: (xml: string) => WechatXmlObject, xml: string): Outcome {
  try {
    return { value: parse(xml) };
  } catch (error) {
    if (error instanceof WechatXmlError) {
      return { error: error.code };
    }
    throw error;
  }
}

class Gen {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) {
      throw new Error('pick from an empty list');
    }
    return item;
  }

  join(parts: readonly string[], min: number, max: number): string {
    let out = '';
    for (let i = this.int(min, max); i > 0; i--) {
      out += this.pick(parts);
    }
    return out;
  }
}

const LEAF_NAMES = [
  'ToUserName',
  'FromUserName',
  'CreateTime',
  'MsgType',
  'Content',
  'MsgId',
  'Event',
  'EventKey',
  'PicUrl',
  'MediaId',
  'Location_X',
  'Label',
  'ScanType',
  'ScanResult',
  'PicMd5Sum',
  'Count',
  'a:b',
  '中文',
];
const CONTAINER_NAMES = ['ScanCodeInfo', 'SendPicsInfo', 'PicList', 'item', 'SendLocationInfo'];
const TEXT_PARTS = [
  'text',
  'gh_97417a04a28d',
  '7250021412600020992',
  ' ',
  '  ',
  '\n',
  '\t',
  '\r\n',
  '\r',
  '你好',
  '世界',
  '😀',
  '🎉',
  '\u3000',
  '\u00a0',
  '>',
  '] ',
  ']x',
  '"',
  "'",
  '-',
  '/',
  '=',
  '?',
  '!',
  '&lt;',
  '&gt;',
  '&amp;',
  '&quot;',
  '&apos;',
  '&#20013;',
  '&#x6587;',
  '&#x1F600;',
  '&#x1f600;',
  '&#65;',
  '&#0000065;',
  '&#32;',
  '&#x20;',
  '&#10;',
  '&nbsp;',
  '&copy;',
  '&amp;lt;',
];
const CDATA_PARTS = [
  'hello',
  ' ',
  '\n',
  '\r\n',
  '  padded  ',
  '<b>bold</b>',
  '&amp;',
  '&',
  '<',
  '>',
  ']]',
  ']',
  '<!DOCTYPE html>',
  '<![CDATA[',
  '<!--',
  '你好，请问我的订单什么时候发货？',
  '😀👍',
  '&#0;',
];
const COMMENT_PARTS = [' note ', 'x', '中文', '<A>', '&', '-', ' '];
const ATTRIBUTES = [' a="1"', " b='x y'", ' c = "v&amp;w"', ' d="&#20013;"', ' f:g="\'"'];

/** No `]]>` can form: `]` is always followed by a space or a letter. */
function text(gen: Gen): string {
  return gen.join(TEXT_PARTS, 1, 6);
}

function cdata(gen: Gen): string {
  return `<![CDATA[${gen.join(CDATA_PARTS, 0, 4).replaceAll(']]>', ']] >')}]]>`;
}

function comment(gen: Gen): string {
  // No `--` inside and no `-` last: the XML rule the previous parser did not check.
  const body = gen.join(COMMENT_PARTS, 0, 3).replaceAll('-', '');
  return `<!--${body}-->`;
}

function whitespace(gen: Gen): string {
  return gen.join(['', ' ', '\n', '\n  ', '\t', '\r\n'], 0, 2);
}

/** Text, CDATA, comments and processing instructions in any order: the content of a leaf. */
function leafContent(gen: Gen): string {
  let out = '';
  for (let i = gen.int(0, 4); i > 0; i--) {
    const roll = gen.int(0, 9);
    out +=
      roll < 4
        ? text(gen)
        : roll < 8
          ? cdata(gen)
          : roll < 9
            ? comment(gen)
            : gen.pick(['<?pi data?>', '<?wx-note?>']);
  }
  return out;
}

function element(gen: Gen, name: string, depth: number): string {
  const attributes = gen.chance(0.1) ? ATTRIBUTES.filter(() => gen.chance(0.4)).join('') : '';
  const openEnd = gen.chance(0.1) ? ' >' : '>';
  if (gen.chance(0.08)) {
    return `<${name}${attributes}${gen.pick(['/>', ' />'])}`;
  }
  const closeTag = gen.chance(0.1) ? `</${name} >` : `</${name}>`;
  const isContainer = depth < 5 && (CONTAINER_NAMES.includes(name) || gen.chance(0.1));
  if (!isContainer) {
    return `<${name}${attributes}${openEnd}${leafContent(gen)}${closeTag}`;
  }
  // Stray text between children is dropped, but must still be well-formed.
  return `<${name}${attributes}${openEnd}${children(gen, depth + 1)}${gen.chance(0.1) ? text(gen) : ''}${closeTag}`;
}

function children(gen: Gen, depth: number): string {
  let out = whitespace(gen);
  const repeated = gen.chance(0.3) ? gen.pick([...LEAF_NAMES, 'item']) : undefined;
  for (let i = gen.int(1, depth === 0 ? 8 : 4); i > 0; i--) {
    const name =
      repeated !== undefined && gen.chance(0.5)
        ? repeated
        : gen.chance(0.2)
          ? gen.pick(CONTAINER_NAMES)
          : gen.pick(LEAF_NAMES);
    out += element(gen, name, depth) + whitespace(gen);
    if (gen.chance(0.1)) {
      out += comment(gen) + whitespace(gen);
    }
  }
  return out;
}

function document(gen: Gen, rootContent: string = children(gen, 0)): string {
  const bom = gen.chance(0.05) ? '\uFEFF' : '';
  const declaration = gen.chance(0.3)
    ? gen.pick([
        '<?xml version="1.0"?>',
        '<?xml version="1.0" encoding="utf-8"?>',
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
      ])
    : '';
  const prolog = gen.chance(0.2) ? whitespace(gen) + comment(gen) : '';
  const epilog = gen.chance(0.2) ? whitespace(gen) + comment(gen) : whitespace(gen);
  return `${bom}${declaration}${prolog}${whitespace(gen)}<xml>${rootContent}</xml>${epilog}`;
}

/** One fault per document; each is malformed for both parsers, with the same error code. */
const FAULTS: ReadonlyArray<[string, (gen: Gen, xml: string) => string]> = [
  [
    'truncated inside the root',
    (gen, xml) => {
      const start = xml.indexOf('<xml>');
      return xml.slice(0, gen.int(start + 1, xml.lastIndexOf('</xml>') + 5));
    },
  ],
  [
    'mismatched end tag',
    (gen, xml) => {
      const tag = gen.pick(markup(xml, END_TAG));
      return `${xml.slice(0, tag.end - 1)}X${xml.slice(tag.end - 1)}`;
    },
  ],
  [
    'missing end tag',
    (gen, xml) => {
      const tag = gen.pick(markup(xml, END_TAG));
      return xml.slice(0, tag.start) + xml.slice(tag.end);
    },
  ],
  ['bare ampersand', (gen, xml) => insertAfterTag(gen, xml, ' a & b ')],
  ['< in text', (gen, xml) => insertAfterTag(gen, xml, ' a < b ')],
  [
    'reference to a non-character',
    (gen, xml) => insertAfterTag(gen, xml, gen.pick(['&#0;', '&#xD800;', '&#x110000;', '&#8;'])),
  ],
  ['over-long entity name', (gen, xml) => insertAfterTag(gen, xml, `&${'e'.repeat(21)};`)],
  ['unterminated reference', (gen, xml) => insertAfterTag(gen, xml, '&amp ')],
  ['DOCTYPE', (gen, xml) => insertAfterTag(gen, xml, '<!DOCTYPE xml>')],
  ['ENTITY', (gen, xml) => insertAfterTag(gen, xml, '<!ENTITY a "b">')],
  ['DOCTYPE before the root', (_gen, xml) => `<!DOCTYPE xml [<!ENTITY a "b">]>${xml}`],
  [
    'reserved element name',
    (gen, xml) => {
      const name = gen.pick(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf']);
      return insertAfterTag(gen, xml, `<${name}>1</${name}>`);
    },
  ],
  ['invalid element name', (gen, xml) => insertAfterTag(gen, xml, '<1A>1</1A>')],
  ['boolean attribute', (_gen, xml) => xml.replace('<xml>', '<xml flag>')],
  ['attributes without space', (_gen, xml) => xml.replace('<xml>', '<xml a="1"b="2">')],
  ['repeated attribute', (_gen, xml) => xml.replace('<xml>', '<xml a="1" a="2">')],
  ['unquoted attribute', (_gen, xml) => xml.replace('<xml>', '<xml a=1>')],
  ['text after the root', (_gen, xml) => `${xml}trailing`],
  ['second root', (_gen, xml) => `${xml}<xml><A>1</A></xml>`],
  [
    'unterminated last CDATA section',
    (_gen, xml) => {
      const last = xml.lastIndexOf(']]>');
      return last === -1 ? `${xml}<![CDATA[` : xml.slice(0, last) + xml.slice(last + 3);
    },
  ],
  ['another root name', (_gen, xml) => xml.replace('<xml>', '<root>').replace('</xml>', '</root>')],
];

const START_TAG = /<[A-Za-z_:\u4e00-\u9fff][^<>]*>/g;
const END_TAG = /<\/[^<>]+>/g;

/** Where `pattern` matches, ignoring CDATA sections and comments (their text is not markup). */
function markup(xml: string, pattern: RegExp): Array<{ start: number; end: number }> {
  const masked = xml
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length))
    .replace(/<!--[\s\S]*?-->/g, (m) => ' '.repeat(m.length));
  return [...masked.matchAll(pattern)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Inserts `fragment` right after a random start tag (never inside CDATA, a comment or a tag). */
function insertAfterTag(gen: Gen, xml: string, fragment: string): string {
  const openTags = markup(xml, START_TAG).filter((tag) => xml[tag.end - 2] !== '/');
  const { end } = gen.pick(openTags);
  return xml.slice(0, end) + fragment + xml.slice(end);
}

describe('parseWechatXml against the previous fast-xml-parser implementation', () => {
  const DOCUMENTS = 3000;

  it(`returns the same fields for ${DOCUMENTS} random WeChat-shaped documents`, () => {
    const gen = new Gen(20240426);
    let parsed = 0;
    for (let i = 0; i < DOCUMENTS; i++) {
      const xml = document(gen);
      const expected = outcome(legacyParseWechatXml, xml);
      const actual = outcome(parseWechatXml, xml);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        // toEqual reports the document and both outcomes.
        expect({ xml, actual }).toEqual({ xml, actual: expected });
      }
      if ('value' in actual) {
        parsed++;
        expect(Object.getPrototypeOf(actual.value)).toBe(Object.prototype);
      }
    }
    // The generator must mostly produce documents that parse, or the comparison proves little.
    expect(parsed).toBeGreaterThan(DOCUMENTS * 0.95);
  });

  it('agrees on the edge cases the generator targets', () => {
    const cases = [
      '<xml><A> a <!-- c --> b <![CDATA[ x ]]> c </A></xml>',
      '<xml><A>a<!--x-->   <!--y-->b</A></xml>',
      '<xml><A> a <?pi x?> b </A></xml>',
      '<xml><A>&#32;x&#32;</A></xml>',
      '<xml><A>\u3000x\u00a0</A></xml>',
      '<xml><A>\r\n<![CDATA[\r\n]]>\r</A></xml>',
      '<xml>text<A>1</A>text</xml>',
      '<xml><![CDATA[]]></xml>',
      '<xml><![CDATA[x]]></xml>',
      '<xml> <!-- only a comment --> </xml>',
      '<xml><A>1</A><A><B>2</B></A><A/></xml>',
      '<xml><A e=">" f=\'"\'>1</A></xml>',
      '<xml><item><item><item>deep</item></item></item></xml>',
      `<xml><A>&${'e'.repeat(20)};</A></xml>`,
      '<?xml-stylesheet href="a"?><xml><A>1</A></xml><?pi?>',
      '<root><toString/></root>',
    ];
    for (const xml of cases) {
      expect({ xml, outcome: outcome(parseWechatXml, xml) }).toEqual({
        xml,
        outcome: outcome(legacyParseWechatXml, xml),
      });
    }
  });

  it.each(FAULTS.map(([label, inject], index) => [label, inject, index] as const))(
    'throws the same error as before for %s',
    (_label, inject, index) => {
      const gen = new Gen(1000 + index);
      for (let i = 0; i < 150; i++) {
        const xml = inject(gen, document(gen));
        const expected = outcome(legacyParseWechatXml, xml);
        const actual = outcome(parseWechatXml, xml);
        expect({ xml, expected }).toEqual({ xml, expected: { error: expect.any(String) } });
        expect({ xml, actual }).toEqual({ xml, actual: expected });
      }
    },
  );

  describe('deliberate differences: strict XML 1.0 refusals the previous parser let through', () => {
    it.each([
      ["']]>' in text", '<xml><A>a]]>b</A></xml>', 'MALFORMED'],
      ['an empty decimal reference', '<xml><A>&#;</A></xml>', 'MALFORMED'],
      ['an empty hex reference', '<xml><A>&#x;</A></xml>', 'MALFORMED'],
      ['an entity name starting with a digit', '<xml><A>&1a;</A></xml>', 'MALFORMED'],
      ["'<' in an attribute value", '<xml><A b="<"/></xml>', 'MALFORMED'],
      ["a bare '&' in an attribute value", '<xml><A b="a & b"/></xml>', 'MALFORMED'],
      ['a non-character reference in an attribute', '<xml><A b="&#0;"/></xml>', 'MALFORMED'],
      ['a reference after the root', '<xml><A>x</A></xml>&amp;', 'MALFORMED'],
      ["'--' inside a comment", '<xml><!-- a -- b --><A>1</A></xml>', 'MALFORMED'],
      ["a comment ending in '-'", '<xml><!-- a ---><A>1</A></xml>', 'MALFORMED'],
      ['a declaration without version', '<?xml encoding="utf-8"?><xml><A>1</A></xml>', 'MALFORMED'],
      ['an empty declaration', '<?xml?><xml><A>1</A></xml>', 'MALFORMED'],
      ['an upper-case declaration', '<?XML version="1.0"?><xml><A>1</A></xml>', 'MALFORMED'],
      ['a processing instruction without target', '<??><xml><A>1</A></xml>', 'MALFORMED'],
      ['an ELEMENT declaration', '<xml><!ELEMENT a ANY><A>1</A></xml>', 'MALFORMED'],
      [
        'nesting deeper than 64',
        `<xml>${'<a>'.repeat(64)}1${'</a>'.repeat(64)}</xml>`,
        'MALFORMED',
      ],
      [
        'a DOCTYPE in a comment hidden by CDATA markers in other comments',
        '<!-- <![CDATA[ --><!-- <!DOCTYPE x> --><!-- ]]> --><xml><A>1</A></xml>',
        'FORBIDDEN_DTD',
      ],
    ])('refuses %s', (_label, xml, code) => {
      expect(outcome(legacyParseWechatXml, xml)).toHaveProperty('value');
      expect(outcome(parseWechatXml, xml)).toEqual({ error: code });
    });

    it.each([
      ['CDATA outside the root', '<![CDATA[x]]><xml><A>1</A></xml>', 'NOT_WECHAT_XML', 'MALFORMED'],
      // Another root is not built, so its element names are not checked either.
      [
        'a reserved name under another root',
        '<root><constructor/></root>',
        'MALFORMED',
        'NOT_WECHAT_XML',
      ],
      [
        'a reserved root name',
        '<constructor><A>1</A></constructor>',
        'MALFORMED',
        'NOT_WECHAT_XML',
      ],
    ])('reports %s with another code', (_label, xml, before, now) => {
      expect(outcome(legacyParseWechatXml, xml)).toEqual({ error: before });
      expect(outcome(parseWechatXml, xml)).toEqual({ error: now });
    });
  });

  it('is the only user of fast-xml-parser: no production file of the lib imports it', () => {
    const production = readdirSync(__dirname).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
    );
    expect(production).toContain('xml-parse.ts');
    for (const file of production) {
      expect({
        file,
        imports: readFileSync(join(__dirname, file), 'utf8').includes("from 'fast-xml-parser'"),
      }).toEqual({ file, imports: false });
    }
  });
});
