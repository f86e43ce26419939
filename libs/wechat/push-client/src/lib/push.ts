import { randomInt } from 'node:crypto';

import {
  encryptMessage,
  msgSignature,
  parseWechatXml,
  urlSignature,
  type WechatXmlObject,
} from '@wechat-desk/wechat/crypto';

import { unixSeconds } from './messages';
import { cdata, writeElement } from './xml';

export const PUSH_MODES = ['plaintext', 'compatible', 'secure'] as const;
export type PushMode = (typeof PUSH_MODES)[number];

export function isPushMode(value: string): value is PushMode {
  return (PUSH_MODES as readonly string[]).includes(value);
}

/** Where and how to push: the values an admin enters in WeChat's server configuration. */
export interface PushTarget {
  callbackUrl: string;
  token: string;
  mode: PushMode;
  /** Required for compatible and secure mode. */
  encodingAesKey?: string;
  /** Required for compatible and secure mode (it is sealed inside the ciphertext). */
  appId?: string;
  /** Query `openid`; defaults to the inner message's FromUserName. */
  openId?: string;
  /** Envelope `ToUserName` (gh_ id); defaults to the inner message's ToUserName. */
  originalId?: string;
}

export interface BuildPushOptions {
  /** Unix seconds as a string; defaults to now. */
  timestamp?: string;
  /** Defaults to random digits like WeChat's. */
  nonce?: string;
  /** 16-byte random prefix for the ciphertext; only for reproducing known vectors. */
  random?: Buffer;
}

export interface BuiltPush {
  /** callbackUrl with `query` appended. */
  url: string;
  /** Query parameters in WeChat's order. */
  query: Record<string, string>;
  body: string;
}

/** WeChat's nonces are random decimal integers of 9-10 digits. */
export function randomNonce(): string {
  return String(randomInt(100_000_000, 2_147_483_648));
}

export function buildPush(
  target: PushTarget,
  innerXml: string,
  opts: BuildPushOptions = {},
): BuiltPush {
  const timestamp = opts.timestamp ?? String(unixSeconds());
  const nonce = opts.nonce ?? randomNonce();
  const query: Record<string, string> = {
    signature: urlSignature(target.token, timestamp, nonce),
    timestamp,
    nonce,
  };
  const openId = target.openId ?? innerField(innerXml, 'FromUserName');
  if (openId !== undefined) {
    query['openid'] = openId;
  }

  let body: string;
  switch (target.mode) {
    case 'plaintext':
      body = innerXml;
      break;
    case 'compatible':
    case 'secure': {
      const encrypt = encryptFor(target, innerXml, opts.random);
      query['encrypt_type'] = 'aes';
      query['msg_signature'] = msgSignature(target.token, timestamp, nonce, encrypt);
      body =
        target.mode === 'secure'
          ? secureEnvelope(target.originalId ?? requireInnerField(innerXml, 'ToUserName'), encrypt)
          : compatibleEnvelope(innerXml, encrypt);
      break;
    }
  }
  return { url: withQuery(target.callbackUrl, query), query, body };
}

function encryptFor(target: PushTarget, innerXml: string, random: Buffer | undefined): string {
  if (!target.encodingAesKey || !target.appId) {
    throw new Error(`${target.mode} mode needs encodingAesKey and appId`);
  }
  return encryptMessage(target.encodingAesKey, innerXml, target.appId, random);
}

function secureEnvelope(originalId: string, encrypt: string): string {
  return `<xml>${writeElement(['ToUserName', originalId])}${writeElement(['Encrypt', encrypt])}</xml>`;
}

/** Compatible mode: the plaintext children plus `<Encrypt>`, inside the same `<xml>`. */
function compatibleEnvelope(innerXml: string, encrypt: string): string {
  const trimmed = innerXml.trimEnd();
  if (!trimmed.endsWith('</xml>')) {
    throw new Error('inner XML must be a <xml>…</xml> document');
  }
  return `${trimmed.slice(0, -'</xml>'.length)}<Encrypt>${cdata(encrypt)}</Encrypt>\n</xml>`;
}

function innerField(innerXml: string, name: string): string | undefined {
  let parsed: WechatXmlObject;
  try {
    parsed = parseWechatXml(innerXml);
  } catch {
    // Non-XML payloads (e.g. the official JSON example) simply have no such field.
    return undefined;
  }
  const value = parsed[name];
  return typeof value === 'string' ? value : undefined;
}

function requireInnerField(innerXml: string, name: string): string {
  const value = innerField(innerXml, name);
  if (value === undefined) {
    throw new Error(`inner message has no ${name}; set it on the target`);
  }
  return value;
}

export function withQuery(baseUrl: string, query: Record<string, string>): string {
  const url = new URL(baseUrl);
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.append(name, value);
  }
  return url.toString();
}
