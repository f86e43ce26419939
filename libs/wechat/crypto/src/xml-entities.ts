import { WechatXmlError } from './errors';

const BUILT_IN: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

const REFERENCE = /&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));/g;

/** XML 1.0 `Char` production: what a character reference may denote. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function decodeReferences(text: string): string {
  return text.replace(
    REFERENCE,
    (match, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) {
        return BUILT_IN[name] ?? match;
      }
      const cp =
        decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
      if (!isXmlChar(cp)) {
        throw new WechatXmlError('MALFORMED', 'character reference to a non-XML character');
      }
      return String.fromCodePoint(cp);
    },
  );
}

/** The entity-decoder hooks fast-xml-parser calls (its `EntityDecoderOptions`), typed here so this lib needs no import of it. */
export interface EntityDecoderHooks {
  decode: (text: string) => string;
  addInputEntities: (entities: Record<string, string>) => void;
  setExternalEntities: (entities: Record<string, string>) => void;
  reset: () => void;
  setXmlVersion: (version: number) => void;
}

/**
 * fast-xml-parser adapter of the previous parser, kept as the oracle of the differential test
 * (test-support/legacy-xml-parse.ts); parseWechatXml uses decodeXmlText instead. Decodes only the five
 * XML built-ins and numeric character references; any other `&name;` stays literal. fast-xml-parser
 * reports every DOCTYPE it reads through addInputEntities, so it is refused there.
 */
export const wechatEntityDecoder: EntityDecoderHooks = {
  decode: decodeReferences,
  addInputEntities: () => {
    throw new WechatXmlError('FORBIDDEN_DTD', 'DOCTYPE declarations are not accepted');
  },
  setExternalEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};

const HASH = 0x23;
const SEMICOLON = 0x3b;
const LOWER_X = 0x78;
/** Longest entity name accepted; longer ones can only be undeclared entities, which XML refuses. */
const MAX_ENTITY_NAME = 20;
const NOT_A_CHAR = 0x110000;

function malformedReference(): WechatXmlError {
  return new WechatXmlError('MALFORMED', 'malformed entity or character reference');
}

function digitValue(code: number, hex: boolean): number {
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  if (hex) {
    const lower = code | 0x20;
    if (lower >= 0x61 && lower <= 0x66) {
      return lower - 0x61 + 10;
    }
  }
  return -1;
}

/** `[A-Za-z_]` then `[A-Za-z0-9_]`: what both XML's Name and the previous parser accept. */
function isEntityNameChar(code: number, first: boolean): boolean {
  const lower = code | 0x20;
  return (
    (lower >= 0x61 && lower <= 0x7a) || code === 0x5f || (!first && code >= 0x30 && code <= 0x39)
  );
}

function builtInEntity(name: string): string | undefined {
  // A switch, not a lookup in BUILT_IN: `&toString;` must not find an Object.prototype member.
  switch (name) {
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'amp':
      return '&';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return undefined;
  }
}

/**
 * Strict decoding of character data for parseWechatXml: every `&` must open `&#digits;`, `&#xhex;`
 * (denoting an XML character) or `&name;`; a bare `&` or a broken reference is MALFORMED. The five XML
 * built-ins are decoded, any other named entity stays literal (there is no DTD to declare it). One
 * forward pass, no regex: linear on hostile input.
 */
export function decodeXmlText(text: string): string {
  let amp = text.indexOf('&');
  if (amp === -1) {
    return text;
  }
  let decoded = '';
  let copiedUpTo = 0;
  while (amp !== -1) {
    let pos = amp + 1;
    let replacement: string | undefined;
    if (text.charCodeAt(pos) === HASH) {
      pos++;
      const hex = text.charCodeAt(pos) === LOWER_X;
      if (hex) {
        pos++;
      }
      const digitsStart = pos;
      let cp = 0;
      for (let digit = digitValue(text.charCodeAt(pos), hex); digit >= 0;) {
        // Saturate instead of growing without bound: anything past U+10FFFF is refused anyway.
        cp = cp >= NOT_A_CHAR ? NOT_A_CHAR : cp * (hex ? 16 : 10) + digit;
        digit = digitValue(text.charCodeAt(++pos), hex);
      }
      if (pos === digitsStart || text.charCodeAt(pos) !== SEMICOLON || !isXmlChar(cp)) {
        throw malformedReference();
      }
      replacement = String.fromCodePoint(cp);
    } else {
      const nameStart = pos;
      while (
        pos - nameStart < MAX_ENTITY_NAME &&
        isEntityNameChar(text.charCodeAt(pos), pos === nameStart)
      ) {
        pos++;
      }
      if (pos === nameStart || text.charCodeAt(pos) !== SEMICOLON) {
        throw malformedReference();
      }
      replacement = builtInEntity(text.slice(nameStart, pos));
    }
    if (replacement !== undefined) {
      decoded += text.slice(copiedUpTo, amp) + replacement;
      copiedUpTo = pos + 1;
    }
    amp = text.indexOf('&', pos + 1);
  }
  return decoded + text.slice(copiedUpTo);
}
