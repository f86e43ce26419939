/**
 * The previous parseWechatXml (fast-xml-parser validate + ordered parse + conversion), frozen as the
 * oracle of xml-parse.differential.spec.ts. Test-only: never import it from production code.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { WechatXmlError } from '../errors';
import { wechatEntityDecoder } from '../xml-entities';
import type { WechatXmlObject, WechatXmlValue } from '../xml-types';

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';

const parser = new XMLParser({
  // Ordered output keeps text and CDATA apart, so CDATA is never trimmed or entity-decoded.
  preserveOrder: true,
  textNodeName: TEXT,
  cdataPropName: CDATA,
  ignoreAttributes: true,
  // Numbers stay strings: MsgId is 64-bit and would lose precision as a JS number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: wechatEntityDecoder,
  // Keep real names: readContent rejects the dangerous ones itself instead of seeing them renamed.
  onDangerousProperty: (name) => name,
});

const DTD_MARKUP = /<!\s*(?:doctype|entity)/i;
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/**
 * True when `<!DOCTYPE` or `<!ENTITY` appears outside CDATA sections. User text arrives in CDATA, so a
 * message quoting HTML must not be refused; a declaration hidden from this scan is still refused by the
 * parser hook in wechatEntityDecoder. indexOf scanning keeps this linear on hostile input.
 */
function hasDtdMarkup(xml: string): boolean {
  let from = 0;
  for (;;) {
    const open = xml.indexOf(CDATA_OPEN, from);
    const close = open === -1 ? -1 : xml.indexOf(CDATA_CLOSE, open + CDATA_OPEN.length);
    const outside = xml.slice(from, close === -1 ? xml.length : open);
    if (DTD_MARKUP.test(outside)) {
      return true;
    }
    if (close === -1) {
      return false;
    }
    from = close + CDATA_CLOSE.length;
  }
}

/** Names that would shadow Object.prototype members (or pollute it, for `__proto__`) on the result. */
function isReservedName(name: string): boolean {
  return name === 'prototype' || Object.prototype.hasOwnProperty.call(Object.prototype, name);
}

type OrderedNode = Record<string, unknown>;

function isOrderedNode(value: unknown): value is OrderedNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeName(node: OrderedNode): string {
  const names = Object.keys(node).filter((key) => key !== ATTRIBUTES);
  if (names.length !== 1 || names[0] === undefined) {
    throw new WechatXmlError('MALFORMED', 'unexpected parser output');
  }
  return names[0];
}

function asNodeList(value: unknown): OrderedNode[] {
  if (!Array.isArray(value) || !value.every(isOrderedNode)) {
    throw new WechatXmlError('MALFORMED', 'unexpected parser output');
  }
  return value;
}

function cdataText(value: unknown): string {
  const [inner] = asNodeList(value);
  const text = inner?.[TEXT];
  return typeof text === 'string' ? text : '';
}

interface ElementContent {
  text: string;
  elements: Map<string, WechatXmlValue[]>;
}

function readContent(children: OrderedNode[]): ElementContent {
  let text = '';
  const elements = new Map<string, WechatXmlValue[]>();
  for (const child of children) {
    const name = nodeName(child);
    const value = child[name];
    if (name === TEXT) {
      text += typeof value === 'string' ? value : '';
    } else if (name === CDATA) {
      text += cdataText(value);
    } else {
      if (isReservedName(name)) {
        throw new WechatXmlError('MALFORMED', `reserved element name ${JSON.stringify(name)}`);
      }
      const converted = toValue(asNodeList(value));
      const existing = elements.get(name);
      if (existing) {
        existing.push(converted);
      } else {
        elements.set(name, [converted]);
      }
    }
  }
  return { text, elements };
}

function toElementObject(elements: Map<string, WechatXmlValue[]>): WechatXmlObject {
  // Object.fromEntries defines own properties, so no name can reach a prototype setter.
  return Object.fromEntries(
    [...elements].map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/** Leaf: concatenated text and CDATA. With child elements: an object, and stray text is dropped. */
function toValue(children: OrderedNode[]): WechatXmlValue {
  const { text, elements } = readContent(children);
  return elements.size > 0 ? toElementObject(elements) : text;
}

function parseOrdered(xml: string): unknown {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new WechatXmlError('MALFORMED', `malformed XML: ${validation.err.msg}`);
  }
  try {
    return parser.parse(xml) as unknown;
  } catch (error) {
    if (error instanceof WechatXmlError) {
      throw error;
    }
    throw new WechatXmlError('MALFORMED', 'malformed XML', { cause: error });
  }
}

/** The previous parseWechatXml, unchanged. */
export function legacyParseWechatXml(xml: string): WechatXmlObject {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new WechatXmlError('EMPTY', 'empty XML document');
  }
  if (hasDtdMarkup(xml)) {
    throw new WechatXmlError('FORBIDDEN_DTD', 'DOCTYPE and ENTITY declarations are not accepted');
  }
  const roots = asNodeList(parseOrdered(xml));
  const root = roots.length === 1 ? roots[0] : undefined;
  if (root === undefined || nodeName(root) !== 'xml') {
    throw new WechatXmlError('NOT_WECHAT_XML', 'root element must be <xml>');
  }
  const { text, elements } = readContent(asNodeList(root.xml));
  if (elements.size === 0 && text !== '') {
    throw new WechatXmlError('NOT_WECHAT_XML', 'root element <xml> holds text, not fields');
  }
  return toElementObject(elements);
}
