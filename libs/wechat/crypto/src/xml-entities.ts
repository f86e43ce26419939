import type { EntityDecoderOptions } from 'fast-xml-parser';

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

/**
 * Decodes only the five XML built-ins and numeric character references; any other `&name;` stays
 * literal. fast-xml-parser reports every DOCTYPE it reads through addInputEntities, so refusing there
 * backs up the textual pre-check in parseWechatXml.
 */
export const wechatEntityDecoder: EntityDecoderOptions = {
  decode: decodeReferences,
  addInputEntities: () => {
    throw new WechatXmlError('FORBIDDEN_DTD', 'DOCTYPE declarations are not accepted');
  },
  setExternalEntities: () => undefined,
  reset: () => undefined,
  setXmlVersion: () => undefined,
};
