import {
  decryptMessage,
  msgSignature,
  parseWechatXml,
  urlSignature,
} from '@wechat-desk/wechat/crypto';

import { textMessage } from './messages';
import { buildPush, type PushTarget, randomNonce } from './push';

const token = 'AAAAA';
const encodingAesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appId = 'wxb11529c136998cb6';
const originalId = 'gh_97417a04a28d';
const openId = 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY';
const callbackUrl = 'http://localhost:8080/wechat/ch_1';

const inner = textMessage({
  toUserName: originalId,
  fromUserName: openId,
  content: '你好, world',
  msgId: '7250021412600020992',
  createTime: 1714112445,
});

function target(mode: PushTarget['mode'], extra: Partial<PushTarget> = {}): PushTarget {
  return { callbackUrl, token, mode, encodingAesKey, appId, ...extra };
}

describe(buildPush.name, () => {
  const fixed = { timestamp: '1714112445', nonce: '415670741' };

  it('plaintext: signs the URL, takes openid from the message, sends the inner XML', () => {
    const push = buildPush(target('plaintext'), inner, fixed);
    expect(Object.keys(push.query)).toEqual(['signature', 'timestamp', 'nonce', 'openid']);
    expect(push.query).toEqual({
      signature: urlSignature(token, fixed.timestamp, fixed.nonce),
      timestamp: fixed.timestamp,
      nonce: fixed.nonce,
      openid: openId,
    });
    expect(push.body).toBe(inner);
    const url = new URL(push.url);
    expect(`${url.origin}${url.pathname}`).toBe(callbackUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual(push.query);
  });

  it('secure: envelope of ToUserName and Encrypt, both signatures, decrypts to the inner XML', () => {
    const push = buildPush(target('secure'), inner, fixed);
    expect(Object.keys(push.query)).toEqual([
      'signature',
      'timestamp',
      'nonce',
      'openid',
      'encrypt_type',
      'msg_signature',
    ]);
    const match =
      /^<xml><ToUserName><!\[CDATA\[(gh_\w+)\]\]><\/ToUserName><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><\/xml>$/.exec(
        push.body,
      );
    expect(match).not.toBeNull();
    const [, toUserName, encrypt] = match as RegExpExecArray;
    expect(toUserName).toBe(originalId);
    expect(push.query['encrypt_type']).toBe('aes');
    expect(push.query['signature']).toBe(urlSignature(token, fixed.timestamp, fixed.nonce));
    expect(push.query['msg_signature']).toBe(
      msgSignature(token, fixed.timestamp, fixed.nonce, encrypt),
    );
    const decrypted = decryptMessage(encodingAesKey, encrypt);
    expect(decrypted.message).toBe(inner);
    expect(decrypted.appId).toBe(appId);
  });

  it('compatible: the plaintext fields plus Encrypt in one <xml>', () => {
    const push = buildPush(target('compatible'), inner, fixed);
    const fields = parseWechatXml(push.body);
    const { Encrypt: encrypt, ...plain } = fields;
    expect(plain).toEqual(parseWechatXml(inner));
    expect(Object.keys(fields).at(-1)).toBe('Encrypt');
    expect(typeof encrypt).toBe('string');
    expect(decryptMessage(encodingAesKey, encrypt as string).message).toBe(inner);
    expect(push.query['msg_signature']).toBe(
      msgSignature(token, fixed.timestamp, fixed.nonce, encrypt as string),
    );
    expect(push.query['encrypt_type']).toBe('aes');
  });

  it('reproduces the official secure-mode example (OFFICIAL-SECURE-PUSH)', () => {
    const message =
      '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY",' +
      '"CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}';
    const push = buildPush(
      {
        callbackUrl,
        token: 'AAAAA',
        mode: 'secure',
        encodingAesKey: 'A'.repeat(43),
        appId: 'wxba5fad812f8e6fb9',
        originalId,
        openId,
      },
      message,
      { ...fixed, random: Buffer.from('a8eedb185eb2fecf') },
    );
    expect(push.query).toEqual({
      signature: '6c5c811b55cc85e0e1b54100749188c20beb3f5d',
      timestamp: '1714112445',
      nonce: '415670741',
      openid: openId,
      encrypt_type: 'aes',
      msg_signature: '046e02f8204d34f8ba5fa3b1db94908f3df2e9b3',
    });
    expect(push.body).toContain(
      '<Encrypt><![CDATA[+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05J',
    );
  });

  it('prefers openId and originalId from the target', () => {
    const push = buildPush(target('secure', { openId: 'oOTHER', originalId: 'gh_other' }), inner);
    expect(push.query['openid']).toBe('oOTHER');
    expect(push.body).toContain('<ToUserName><![CDATA[gh_other]]></ToUserName>');
  });

  it('defaults the timestamp to now and the nonce to 9-10 random digits', () => {
    const before = Math.floor(Date.now() / 1000);
    const push = buildPush(target('plaintext'), inner);
    expect(Number(push.query['timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(push.query['timestamp'])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(push.query['nonce']).toMatch(/^\d{9,10}$/);
    for (let i = 0; i < 100; i++) {
      expect(randomNonce()).toMatch(/^[1-9]\d{8,9}$/);
    }
  });

  it('keeps a query already on the callback URL', () => {
    const push = buildPush(
      target('plaintext', { callbackUrl: `${callbackUrl}?x=1` }),
      inner,
      fixed,
    );
    expect(new URL(push.url).searchParams.get('x')).toBe('1');
    expect(new URL(push.url).searchParams.get('nonce')).toBe(fixed.nonce);
  });

  it('needs the AES key and AppID outside plaintext mode', () => {
    expect(() => buildPush(target('secure', { encodingAesKey: undefined }), inner)).toThrow(
      'encodingAesKey',
    );
    expect(() => buildPush(target('compatible', { appId: undefined }), inner)).toThrow('appId');
  });

  it('needs a ToUserName for the secure envelope', () => {
    expect(() => buildPush(target('secure'), '{"json":true}')).toThrow('ToUserName');
  });
});
