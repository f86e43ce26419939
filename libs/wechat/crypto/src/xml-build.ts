import type { WechatXmlInput, WechatXmlInputObject } from './xml-types';

// Plain ASCII names are all WeChat uses; anything else is a programming error, not data to escape.
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** `]]>` cannot occur inside CDATA: close the section after `]]` and reopen it before `>`. */
function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function element(name: string, value: WechatXmlInput, nestedInArray: boolean): string {
  if (!ELEMENT_NAME.test(name)) {
    throw new TypeError(`invalid XML element name ${JSON.stringify(name)}`);
  }
  if (typeof value === 'string') {
    return `<${name}>${cdata(value)}</${name}>`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`element ${name}: number must be finite`);
    }
    return `<${name}>${String(value)}</${name}>`;
  }
  if (Array.isArray(value)) {
    if (nestedInArray) {
      throw new TypeError(`element ${name}: arrays cannot be nested directly in arrays`);
    }
    return (value as readonly WechatXmlInput[]).map((item) => element(name, item, true)).join('');
  }
  if (typeof value === 'object' && value !== null) {
    return `<${name}>${children(value as WechatXmlInputObject)}</${name}>`;
  }
  throw new TypeError(`element ${name}: unsupported value type ${typeof value}`);
}

function children(fields: WechatXmlInputObject): string {
  return Object.entries(fields)
    .map(([name, value]) => element(name, value, false))
    .join('');
}

/**
 * `<xml>…</xml>` without whitespace between elements. Strings become CDATA, numbers are bare,
 * objects nest, arrays repeat their element (e.g. `Articles: { item: [a, b] }`).
 */
export function buildWechatXml(fields: WechatXmlInputObject): string {
  return `<xml>${children(fields)}</xml>`;
}
