import type { ChannelRecord } from '@wechat-desk/shared/channel-directory';
import { buildPush, textMessage, type PushMode } from '@wechat-desk/wechat/push-client';
import { generateEncodingAesKey, generateToken } from '@wechat-desk/wechat/crypto';

import { verifyPush, type PushQuery } from './push-verification';

const NOW = 1_764_000_000;
const previousKey = generateEncodingAesKey();

function channel(mode: ChannelRecord['encryptionMode'] = 'secure'): ChannelRecord {
  return {
    channelId: '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
    version: 1,
    departmentId: '7b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
    enabled: true,
    encryptionMode: mode,
    replyPolicy: 'desk-classic',
    appId: 'wx1234567890abcdef',
    originalId: 'gh_0123456789ab',
    secrets: {
      token: generateToken(),
      encodingAesKey: generateEncodingAesKey(),
      previousEncodingAesKey: previousKey,
      appSecret: 'x',
    },
  };
}

const inner = textMessage({
  toUserName: 'gh_0123456789ab',
  fromUserName: 'oUser123',
  content: '你好 👋',
  msgId: '7250021412600020992',
  createTime: NOW,
});

function push(
  record: ChannelRecord,
  mode: PushMode,
  overrides: { key?: string; appId?: string; timestamp?: number } = {},
) {
  return buildPush(
    {
      callbackUrl: 'http://ingress/wechat/x',
      token: record.secrets.token,
      mode,
      encodingAesKey: overrides.key ?? record.secrets.encodingAesKey,
      appId: overrides.appId ?? record.appId,
    },
    inner,
    { timestamp: String(overrides.timestamp ?? NOW) },
  );
}

const verify = (record: ChannelRecord, query: PushQuery, body: string) =>
  verifyPush(record, query, body, NOW, 300);

describe(verifyPush.name, () => {
  it.each<[ChannelRecord['encryptionMode'], PushMode]>([
    ['secure', 'secure'],
    ['compatible', 'compatible'],
    ['compatible', 'plaintext'],
    ['plaintext', 'plaintext'],
  ])(
    'accepts a %s channel receiving a %s push and keeps MsgId a string',
    (channelMode, pushMode) => {
      const record = channel(channelMode);
      const { query, body } = push(record, pushMode);
      const result = verify(record, query, body);
      expect(result).toEqual({
        ok: true,
        fields: expect.objectContaining({ MsgId: '7250021412600020992', Content: '你好 👋' }),
        message: inner,
        timestamp: String(NOW),
        nonce: query.nonce,
      });
    },
  );

  it('decrypts with the previous key after a rotation', () => {
    const record = channel();
    const { query, body } = push(record, 'secure', { key: previousKey });
    expect(verify(record, query, body).ok).toBe(true);
  });

  it('refuses a wrong signature with 401', () => {
    const record = channel();
    const { query, body } = push(record, 'secure');
    expect(verify(record, { ...query, signature: 'f'.repeat(40) }, body)).toEqual({
      ok: false,
      rejection: { status: 401, reason: 'BAD_SIGNATURE' },
    });
    expect(verify(record, { ...query, msg_signature: 'f'.repeat(40) }, body)).toEqual({
      ok: false,
      rejection: { status: 401, reason: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a timestamp outside the allowed clock skew with 401', () => {
    const record = channel();
    const { query, body } = push(record, 'secure', { timestamp: NOW - 301 });
    expect(verify(record, query, body)).toEqual({
      ok: false,
      rejection: { status: 401, reason: 'STALE_TIMESTAMP' },
    });
  });

  it('refuses an AppID inside the ciphertext that is not the channel’s with 400', () => {
    const record = channel();
    const { query, body } = push(record, 'secure', { appId: 'wxffffffffffffffff' });
    expect(verify(record, query, body)).toEqual({
      ok: false,
      rejection: { status: 400, reason: 'APPID_MISMATCH' },
    });
  });

  it('refuses a plaintext push to a secure channel and an encrypted one to a plaintext channel', () => {
    const secure = channel('secure');
    const plain = push(secure, 'plaintext');
    expect(verify(secure, plain.query, plain.body)).toEqual({
      ok: false,
      rejection: { status: 400, reason: 'WRONG_MODE' },
    });
    const plaintextChannel = channel('plaintext');
    const encrypted = push(plaintextChannel, 'secure');
    expect(verify(plaintextChannel, encrypted.query, encrypted.body)).toEqual({
      ok: false,
      rejection: { status: 400, reason: 'WRONG_MODE' },
    });
  });

  it('refuses XML with a DOCTYPE and malformed XML with 400', () => {
    const record = channel('plaintext');
    const { query } = push(record, 'plaintext');
    const dtd = '<!DOCTYPE xml [<!ENTITY x "y">]><xml><MsgType>&x;</MsgType></xml>';
    expect(verify(record, query, dtd)).toEqual({
      ok: false,
      rejection: { status: 400, reason: 'FORBIDDEN_DTD' },
    });
    expect(verify(record, query, '<xml><MsgType>')).toEqual({
      ok: false,
      rejection: { status: 400, reason: 'MALFORMED_XML' },
    });
  });

  it('refuses a push without signature parameters with 401', () => {
    expect(verify(channel(), {}, '<xml/>')).toEqual({
      ok: false,
      rejection: { status: 401, reason: 'MISSING_SIGNATURE' },
    });
  });
});
