/**
 * A tiny writer for the XML WeChat pushes. It exists (instead of a generic builder) because WeChat's
 * layout mixes CDATA text with bare numbers whose values exceed JS numbers (64-bit MsgId), and a
 * test tool must reproduce that layout exactly.
 */

/** A value written without CDATA (numbers such as CreateTime, MsgId, Location_X). */
export interface BareText {
  readonly bare: string;
}

export type XmlValue = string | BareText | readonly XmlElement[];
export type XmlElement = readonly [name: string, value: XmlValue];

export function bare(value: string | number): BareText {
  const text = String(value);
  if (!/^-?\d+(\.\d+)?$/.test(text)) {
    throw new Error(`Expected a plain number, got ${JSON.stringify(text)}`);
  }
  return { bare: text };
}

/** `]]>` cannot appear inside a CDATA section; split it across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function writeValue(value: XmlValue): string {
  if (typeof value === 'string') {
    return cdata(value);
  }
  if (isBare(value)) {
    return value.bare;
  }
  return value.map(writeElement).join('');
}

function isBare(value: BareText | readonly XmlElement[]): value is BareText {
  return !Array.isArray(value);
}

export function writeElement([name, value]: XmlElement): string {
  return `<${name}>${writeValue(value)}</${name}>`;
}

/**
 * Writes `<xml>` with one child per line, the way WeChat's pushes arrive on the wire
 * (first child right after `<xml>`, a newline after each child).
 */
export function writeXmlDocument(elements: readonly XmlElement[]): string {
  return `<xml>${elements.map((element) => `${writeElement(element)}\n`).join('')}</xml>`;
}
