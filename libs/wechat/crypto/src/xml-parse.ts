import { WechatXmlError } from './errors';
import { decodeXmlText } from './xml-entities';
import type { WechatXmlObject, WechatXmlValue } from './xml-types';

/*
 * A single-pass, strict, non-recursive parser for the small XML dialect WeChat pushes: one `<xml>` root,
 * child elements holding text or CDATA, no attributes, no DTD. It checks well-formedness itself (XML 1.0
 * markup rules) and builds the result while scanning; every scan moves forward through indexOf or a
 * character loop, so hostile input costs linear time. No regex runs on the success path of a document
 * without comments or processing instructions.
 */

/** Deeper than any WeChat push (xml > SendPicsInfo > PicList > item > PicMd5Sum is 5). */
const MAX_DEPTH = 64;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BANG = 0x21;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const GT = 0x3e;
const QUESTION = 0x3f;
const BOM = 0xfeff;

const NAME_START = 1;
const NAME_CHAR = 2;
/** ASCII part of XML's NameStartChar / NameChar, looked up instead of compared range by range. */
const ASCII_NAME = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const isLetter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  if (isLetter || code === 0x3a || code === 0x5f) {
    ASCII_NAME[code] = NAME_START | NAME_CHAR;
  } else if ((code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e) {
    ASCII_NAME[code] = NAME_CHAR;
  }
}

/** XML 1.0 NameStartChar / NameChar outside ASCII, limited to the BMP as the previous parser was. */
function isNonAsciiNameChar(code: number, first: boolean): boolean {
  return (
    (code >= 0xc0 && code <= 0xd6) ||
    (code >= 0xd8 && code <= 0xf6) ||
    (code >= 0xf8 && code <= 0x2ff) ||
    (code >= 0x370 && code <= 0x37d) ||
    (code >= 0x37f && code <= 0x1fff) ||
    code === 0x200c ||
    code === 0x200d ||
    (code >= 0x2070 && code <= 0x218f) ||
    (code >= 0x2c00 && code <= 0x2fef) ||
    (code >= 0x3001 && code <= 0xd7ff) ||
    (code >= 0xf900 && code <= 0xfdcf) ||
    (code >= 0xfdf0 && code <= 0xfffd) ||
    (!first &&
      (code === 0xb7 || (code >= 0x300 && code <= 0x36f) || code === 0x203f || code === 0x2040))
  );
}

/** End of the XML Name starting at `start` (`start` itself when there is none). */
function scanName(xml: string, start: number): number {
  let pos = start;
  for (;;) {
    const code = xml.charCodeAt(pos);
    const isNameChar =
      code < 128
        ? (ASCII_NAME[code] ?? 0) & (pos === start ? NAME_START : NAME_CHAR)
        : isNonAsciiNameChar(code, pos === start);
    if (!isNameChar) {
      return pos;
    }
    pos++;
  }
}

/** XML's S production (CR never reaches the parser: newlines are normalised first). */
function isSpace(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR;
}

function skipSpaces(xml: string, start: number): number {
  let pos = start;
  while (isSpace(xml.charCodeAt(pos))) {
    pos++;
  }
  return pos;
}

/** Whether xml[start, end) is all XML whitespace; checked in place, without a slice. */
function isBlank(xml: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isSpace(xml.charCodeAt(i))) {
      return false;
    }
  }
  return true;
}

function malformed(reason: string, pos: number): WechatXmlError {
  return new WechatXmlError('MALFORMED', `malformed XML at offset ${pos}: ${reason}`);
}

function forbiddenDtd(): WechatXmlError {
  return new WechatXmlError('FORBIDDEN_DTD', 'DOCTYPE and ENTITY declarations are not accepted');
}

const DTD_MARKUP = /<!\s*(?:doctype|entity)/i;
const DTD_MARKUP_HERE = /<!\s*(?:doctype|entity)/iy;
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/**
 * True when `<!DOCTYPE` or `<!ENTITY` appears outside CDATA sections, by a plain text scan. Only run
 * when the document is refused anyway, so a DTD keeps being reported as FORBIDDEN_DTD rather than
 * MALFORMED wherever it hides (user text in CDATA may quote HTML and is not refused).
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

/** XMLDecl: version, then optional encoding and standalone, in that order. Anchored, no nested repeats. */
const XML_DECLARATION =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>$/;

/** Position after the XML declaration starting at `start`, or `start` when there is none. */
function skipXmlDeclaration(xml: string, start: number): number {
  if (!xml.startsWith('<?xml', start) || !isSpace(xml.charCodeAt(start + 5))) {
    return start;
  }
  const end = xml.indexOf('?>', start);
  if (end === -1 || !XML_DECLARATION.test(xml.slice(start, end + 2))) {
    throw malformed('invalid XML declaration', start);
  }
  return end + 2;
}

/** An element whose end tag has not been read yet, and the value built for it so far. */
class OpenElement {
  /** Leaf value: trimmed, decoded text segments and verbatim CDATA, in document order. */
  text = '';
  /** Child elements; once there is one, the text is dropped. */
  fields: WechatXmlObject | undefined = undefined;

  constructor(readonly name: string) {}
}

function addField(parent: OpenElement, name: string, value: WechatXmlValue): void {
  // Reserved names are refused before they get here, so a plain assignment cannot reach a
  // prototype setter and reading `fields[name]` only ever finds values set below.
  const fields = (parent.fields ??= {});
  const existing = fields[name];
  if (existing === undefined) {
    fields[name] = value;
  } else if (Array.isArray(existing)) {
    // Element values are strings or objects, so an array here can only be an earlier repeat.
    existing.push(value);
  } else {
    fields[name] = [existing, value];
  }
}

/** Skips one `name="value"` attribute starting at `start`: checked for well-formedness, then ignored. */
function skipAttribute(xml: string, start: number, seen: Set<string>): number {
  const nameEnd = scanName(xml, start);
  if (nameEnd === start) {
    throw malformed('invalid attribute', start);
  }
  const name = xml.slice(start, nameEnd);
  if (seen.has(name)) {
    throw malformed('repeated attribute', start);
  }
  seen.add(name);
  let pos = skipSpaces(xml, nameEnd);
  if (xml.charCodeAt(pos) !== EQUALS) {
    throw malformed('attribute without value', pos);
  }
  pos = skipSpaces(xml, pos + 1);
  const quote = xml.charCodeAt(pos);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
    throw malformed('unquoted attribute value', pos);
  }
  const close = xml.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", pos + 1);
  if (close === -1) {
    throw malformed('unterminated attribute value', pos);
  }
  const value = xml.slice(pos + 1, close);
  if (value.includes('<')) {
    throw malformed("'<' in attribute value", pos);
  }
  decodeXmlText(value);
  return close + 1;
}

interface StartTag {
  name: string;
  selfClosing: boolean;
  end: number;
}

/** Reads the start tag at `start` (which holds '<'); attributes are checked and dropped. */
function readStartTag(xml: string, start: number): StartTag {
  const nameEnd = scanName(xml, start + 1);
  if (nameEnd === start + 1) {
    throw malformed('invalid element name', start);
  }
  const name = xml.slice(start + 1, nameEnd);
  let pos = nameEnd;
  let seen: Set<string> | undefined;
  for (;;) {
    let code = xml.charCodeAt(pos);
    if (isSpace(code)) {
      pos = skipSpaces(xml, pos + 1);
      code = xml.charCodeAt(pos);
      if (code !== GT && code !== SLASH) {
        pos = skipAttribute(xml, pos, (seen ??= new Set()));
        continue;
      }
    }
    if (code === GT) {
      return { name, selfClosing: false, end: pos + 1 };
    }
    if (code === SLASH && xml.charCodeAt(pos + 1) === GT) {
      return { name, selfClosing: true, end: pos + 2 };
    }
    throw malformed('invalid start tag', pos);
  }
}

/** Position after the comment at `start`; `--` may not occur inside it (XML 1.0 §2.5). */
function skipComment(xml: string, start: number): number {
  const close = xml.indexOf('-->', start + 4);
  if (close === -1 || xml.indexOf('--', start + 4) !== close) {
    throw malformed('unterminated or invalid comment', start);
  }
  if (DTD_MARKUP.test(xml.slice(start + 4, close))) {
    throw forbiddenDtd();
  }
  return close + 3;
}

/** Position after the processing instruction at `start`; `<?xml …?>` is only allowed first. */
function skipProcessingInstruction(xml: string, start: number): number {
  const targetEnd = scanName(xml, start + 2);
  const target = xml.slice(start + 2, targetEnd);
  const close = xml.indexOf('?>', targetEnd);
  if (
    target === '' ||
    target.toLowerCase() === 'xml' ||
    close === -1 ||
    (close !== targetEnd && !isSpace(xml.charCodeAt(targetEnd)))
  ) {
    throw malformed('invalid processing instruction', start);
  }
  if (DTD_MARKUP.test(xml.slice(targetEnd, close))) {
    throw forbiddenDtd();
  }
  return close + 2;
}

/**
 * Checks the whole document for well-formedness and builds the `<xml>` root's value; returns
 * undefined for a well-formed document with another root, which is not built (nor its names checked).
 */
function parseDocument(xml: string): OpenElement | undefined {
  const length = xml.length;
  let pos = skipXmlDeclaration(xml, xml.charCodeAt(0) === BOM ? 1 : 0);
  const open: OpenElement[] = [];
  let rootName: string | undefined;
  let build = false;
  let builtRoot: OpenElement | undefined;
  // Raw text since the last markup that ends a text segment. Comments do not end one (their two
  // sides are trimmed and decoded together); CDATA, tags and processing instructions do.
  let pending = '';
  let pendingHasReference = false;

  const flushText = (element: OpenElement): void => {
    if (pending === '') {
      return;
    }
    const trimmed = pending.trim();
    const text = pendingHasReference ? decodeXmlText(trimmed) : trimmed;
    pending = '';
    pendingHasReference = false;
    if (build) {
      element.text += text;
    }
  };

  while (pos < length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > pos) {
      if (open.length === 0) {
        if (!isBlank(xml, pos, textEnd)) {
          throw malformed('text outside the root element', pos);
        }
      } else if (pending !== '' || !isBlank(xml, pos, textEnd)) {
        // Leading blanks are trimmed anyway; blanks after text may sit between text and a comment.
        const chunk = xml.slice(pos, textEnd);
        if (chunk.includes(CDATA_CLOSE)) {
          throw malformed("']]>' in text", pos);
        }
        if (chunk.includes('&')) {
          // A reference never spans a comment: check this chunk on its own before joining it.
          if (xml.startsWith('<!--', textEnd)) {
            decodeXmlText(chunk);
          }
          pendingHasReference = true;
        }
        pending = pending === '' ? chunk : pending + chunk;
      }
      if (lt === -1) {
        break;
      }
      pos = lt;
    }

    const next = xml.charCodeAt(pos + 1);
    const current: OpenElement | undefined = open[open.length - 1];
    if (next === BANG) {
      if (xml.startsWith('<!--', pos)) {
        pos = skipComment(xml, pos);
      } else if (xml.startsWith(CDATA_OPEN, pos)) {
        const close = xml.indexOf(CDATA_CLOSE, pos + CDATA_OPEN.length);
        if (current === undefined || close === -1) {
          throw malformed('misplaced or unterminated CDATA section', pos);
        }
        flushText(current);
        if (build) {
          current.text += xml.slice(pos + CDATA_OPEN.length, close);
        }
        pos = close + CDATA_CLOSE.length;
      } else {
        DTD_MARKUP_HERE.lastIndex = pos;
        if (DTD_MARKUP_HERE.test(xml)) {
          throw forbiddenDtd();
        }
        throw malformed('unsupported markup declaration', pos);
      }
    } else if (next === QUESTION) {
      if (current !== undefined) {
        flushText(current);
      }
      pos = skipProcessingInstruction(xml, pos);
    } else if (next === SLASH) {
      if (current === undefined) {
        throw malformed('end tag without start tag', pos);
      }
      const nameEnd = pos + 2 + current.name.length;
      const end = skipSpaces(xml, nameEnd);
      if (!xml.startsWith(current.name, pos + 2) || xml.charCodeAt(end) !== GT) {
        throw malformed(`expected </${current.name}>`, pos);
      }
      flushText(current);
      open.pop();
      const parent: OpenElement | undefined = open[open.length - 1];
      if (build && parent !== undefined) {
        addField(parent, current.name, current.fields ?? current.text);
      }
      pos = end + 1;
    } else {
      const tag = readStartTag(xml, pos);
      if (current === undefined) {
        if (rootName !== undefined) {
          throw malformed('more than one root element', pos);
        }
        rootName = tag.name;
        build = rootName === 'xml';
      } else {
        if (build && isReservedName(tag.name)) {
          throw new WechatXmlError(
            'MALFORMED',
            `reserved element name ${JSON.stringify(tag.name)}`,
          );
        }
        flushText(current);
      }
      if (open.length >= MAX_DEPTH) {
        throw malformed(`elements nested deeper than ${MAX_DEPTH}`, pos);
      }
      const element = new OpenElement(tag.name);
      if (current === undefined && build) {
        builtRoot = element;
      }
      if (!tag.selfClosing) {
        open.push(element);
      } else if (build && current !== undefined) {
        addField(current, tag.name, '');
      }
      pos = tag.end;
    }
  }

  if (open.length > 0) {
    throw malformed(`unclosed <${open[open.length - 1]?.name ?? ''}>`, length);
  }
  if (rootName === undefined) {
    throw malformed('no root element', length);
  }
  return builtRoot;
}

/** Parses a WeChat XML document and returns the children of its root `<xml>` element. */
export function parseWechatXml(xml: string): WechatXmlObject {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new WechatXmlError('EMPTY', 'empty XML document');
  }
  let root: OpenElement | undefined;
  try {
    // Every XML parser reads CRLF and lone CR as LF, in CDATA too.
    root = parseDocument(xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml);
  } catch (error) {
    // A refused document that carries a DTD anywhere is reported as such, whatever broke first.
    if (error instanceof WechatXmlError && error.code === 'MALFORMED' && hasDtdMarkup(xml)) {
      throw forbiddenDtd();
    }
    throw error;
  }
  if (root === undefined) {
    throw new WechatXmlError('NOT_WECHAT_XML', 'root element must be <xml>');
  }
  if (root.fields === undefined && root.text !== '') {
    throw new WechatXmlError('NOT_WECHAT_XML', 'root element <xml> holds text, not fields');
  }
  return root.fields ?? {};
}
