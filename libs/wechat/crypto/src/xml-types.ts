/** Parsed WeChat XML: leaf values stay strings (64-bit MsgId), nested elements are objects, repeats are arrays. */
export type WechatXmlValue = string | WechatXmlObject | WechatXmlValue[];

export interface WechatXmlObject {
  [name: string]: WechatXmlValue;
}

/** Input to buildWechatXml: numbers are written bare, strings as CDATA. */
export type WechatXmlInput = string | number | WechatXmlInputObject | readonly WechatXmlInput[];

export interface WechatXmlInputObject {
  [name: string]: WechatXmlInput;
}
