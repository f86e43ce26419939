import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { decryptForApp, decryptMessage, encryptMessage } from './message-cipher';
import { buildEncryptedReply } from './passive-reply';
import { pkcs7Unpad32 } from './pkcs7';
import { msgSignature, sha1SortedSignature, signaturesEqual, urlSignature } from './signature';
import { expectCryptoError } from './test-support/expect-error';
import { rawDecrypt } from './test-support/raw-cipher';
import { VectorFields } from './test-support/vector-fields';
import { parseWechatXml } from './xml-parse';

interface Vector {
  id: string;
  input: VectorFields;
  expected: VectorFields;
  derived: VectorFields;
}

type VectorCheck = (v: Vector) => void;

const vectorsFile = VectorFields.of(
  JSON.parse(readFileSync(join(__dirname, 'test-vectors', 'vectors.json'), 'utf8')),
  'vectors.json',
);

function toVector(fields: VectorFields): Vector & { verified: boolean } {
  const id = fields.str('id');
  return {
    id,
    verified: fields.obj('verification').bool('verified'),
    input: fields.obj('input'),
    expected: fields.obj('expected'),
    derived: fields.keys().includes('derived_not_published')
      ? fields.obj('derived_not_published')
      : VectorFields.empty(`${id}.derived_not_published`),
  };
}

/** The random16 values are 16 ASCII characters whose bytes are the random prefix itself. */
const randomPrefix = (text: string): Buffer => Buffer.from(text, 'latin1');

function expectSignature(actual: string, expected: string): void {
  expect(actual).toBe(expected);
  expect(signaturesEqual(expected, actual)).toBe(true);
}

/** Ciphertext and FullStr (unpadded plaintext) as bytes, decoded independently of decryptMessage. */
function inspect(encodingAesKey: string, encrypt: string) {
  const padded = rawDecrypt(encodingAesKey, encrypt);
  const fullStr = pkcs7Unpad32(padded);
  return {
    cipherBytes: Buffer.from(encrypt, 'base64').length,
    fullStr,
    msgLen: fullStr.readUInt32BE(16),
    pad: padded[padded.length - 1],
  };
}

function checkSortedParts(v: Vector, parts: string[]): void {
  const sortedParts = v.expected.strings('sortedParts');
  const signature = v.expected.str('signature');
  expect([...sortedParts].sort()).toEqual(sortedParts);
  expect([...sortedParts].sort()).toEqual([...parts].sort());
  expect(sha1SortedSignature(sortedParts)).toBe(signature);
  expect(sha1SortedSignature([...sortedParts].reverse())).toBe(signature);
}

function checkUrlSignature(v: Vector): void {
  const token = v.input.str('token');
  const timestamp = v.input.str('timestamp');
  const nonce = v.input.str('nonce');
  expectSignature(urlSignature(token, timestamp, nonce), v.expected.str('signature'));
}

/** Fixed-random encryption vectors of the official WXBizMsgCrypt sample. */
function checkFixedRandomEncryption(v: Vector, timestamp: string, nonce: string): string {
  const key = v.input.str('encodingAESKey');
  const appId = v.input.str('appid');
  const msg = v.input.str('msg');
  const random = randomPrefix(v.input.str('random16'));
  const encrypt = v.expected.str('Encrypt');

  expect(encryptMessage(key, msg, appId, random)).toBe(encrypt);
  const decrypted = decryptForApp([key], encrypt, appId);
  expect(decrypted).toEqual({ message: msg, appId, random, keyIndex: 0 });
  const bytes = inspect(key, encrypt);
  expect(bytes.msgLen).toBe(Buffer.byteLength(msg, 'utf8'));
  expect(bytes.msgLen).not.toBe(msg.length);
  expect(bytes.fullStr.length).toBe(20 + Buffer.byteLength(msg, 'utf8') + appId.length);
  return msgSignature(v.input.str('token'), timestamp, nonce, encrypt);
}

const checks: Record<string, VectorCheck> = {
  'OFFICIAL-URL-VERIFY': (v) => {
    const parts = [v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce')];
    checkUrlSignature(v);
    checkSortedParts(v, parts);
    const concatenated = v.expected.str('concatenated');
    expect(v.expected.strings('sortedParts').join('')).toBe(concatenated);
    expect(createHash('sha1').update(concatenated).digest('hex')).toBe(v.expected.str('signature'));
    // The GET answer is the echostr itself, byte for byte.
    expect(v.expected.str('responseBody')).toBe(v.input.str('echostr'));
  },

  'OFFICIAL-PLAIN-PUSH': (v) => {
    checkUrlSignature(v);
    checkSortedParts(v, [v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce')]);
    v.expected.prose('reply');
  },

  'OFFICIAL-SECURE-PUSH': (v) => {
    const token = v.input.str('token');
    const key = v.input.str('encodingAESKey');
    const appId = v.input.str('appid');
    const query = v.input.obj('query');
    const body = v.input.obj('body');
    const timestamp = query.str('timestamp');
    const nonce = query.str('nonce');
    const encrypt = body.str('Encrypt');

    const expectedMsgSignature = v.expected.str('msg_signature');
    expectSignature(msgSignature(token, timestamp, nonce, encrypt), expectedMsgSignature);
    expect(query.str('msg_signature')).toBe(expectedMsgSignature);
    const expectedUrlSignature = v.expected.str('url_signature_3part');
    expectSignature(urlSignature(token, timestamp, nonce), expectedUrlSignature);
    expect(query.str('signature')).toBe(expectedUrlSignature);

    const decrypted = decryptForApp([key], encrypt, appId);
    expect(decrypted.message).toBe(v.expected.str('msg'));
    expect(decrypted.appId).toBe(v.expected.str('appid'));
    expect(decrypted.random.toString('latin1')).toBe(v.expected.str('random16'));
    expect(decrypted.keyIndex).toBe(0);
    expect((JSON.parse(decrypted.message) as { ToUserName: unknown }).ToUserName).toBe(
      body.str('ToUserName'),
    );

    const bytes = inspect(key, encrypt);
    expect(bytes.cipherBytes).toBe(v.expected.num('cipherBytes'));
    expect(bytes.fullStr.length).toBe(v.expected.num('fullStrBytes'));
    expect(bytes.msgLen).toBe(v.expected.num('msgLen'));
    expect(Buffer.byteLength(decrypted.message, 'utf8')).toBe(bytes.msgLen);

    expect(encryptMessage(key, decrypted.message, appId, decrypted.random)).toBe(encrypt);
  },

  'OFFICIAL-SECURE-REPLY': (v) => {
    const key = v.input.str('encodingAESKey');
    const appId = v.input.str('appid');
    const message = v.input.str('msg');
    const random = randomPrefix(v.input.str('random16'));
    const timestamp = v.input.str('TimeStamp');
    const nonce = v.input.str('Nonce');

    const reply = buildEncryptedReply({
      token: v.input.str('token'),
      encodingAesKey: key,
      appId,
      message,
      timestamp,
      nonce,
      random,
    });
    const encrypt = v.expected.str('Encrypt');
    const signature = v.expected.str('MsgSignature');
    expect(reply.encrypt).toBe(encrypt);
    expectSignature(reply.msgSignature, signature);
    expect(reply.xml).toBe(
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
        `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
        `<TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`,
    );
    expect(parseWechatXml(reply.xml)).toEqual({
      Encrypt: encrypt,
      MsgSignature: signature,
      TimeStamp: timestamp,
      Nonce: nonce,
    });

    const bytes = inspect(key, encrypt);
    expect(bytes.cipherBytes).toBe(v.expected.num('cipherBytes'));
    expect(bytes.fullStr.length).toBe(v.expected.num('fullStrBytes'));
    expect(decryptMessage(key, encrypt)).toEqual({ message, appId, random });
  },

  'WXBIZMSGCRYPT-AES-1': (v) => {
    const signature = checkFixedRandomEncryption(v, v.input.str('timestamp'), v.input.str('nonce'));
    expectSignature(signature, v.derived.str('msg_signature_for_timestamp_nonce'));
    v.derived.prose('note');
  },

  'WXBIZMSGCRYPT-AES-2': (v) => {
    // This vector has no timestamp/nonce inputs; the derived value's key names them.
    const derivedKey = v.derived.keys().find((k) => k.startsWith('msg_signature_for_')) ?? '';
    const match = /^msg_signature_for_(\d+)_(\w+)$/.exec(derivedKey);
    expect(match).not.toBeNull();
    const [, timestamp = '', nonce = ''] = match ?? [];
    expectSignature(checkFixedRandomEncryption(v, timestamp, nonce), v.derived.str(derivedKey));

    expect(parseWechatXml(v.input.str('msg'))).toEqual({
      ToUserName: 'oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw',
      FromUserName: 'gh_7f083739789a',
      CreateTime: '1407743423',
      MsgType: 'video',
      Video: {
        MediaId: 'eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0',
        Title: 'testCallBackReplyVideo',
        Description: 'testCallBackReplyVideo',
      },
    });
  },

  'WXBIZMSGCRYPT-VERIFYURL': (v) => {
    const key = v.input.str('encodingAESKey');
    const receiveId = v.input.str('receiveId');
    const echostr = v.input.str('echostr');
    const expected = v.expected.str('msg_signature');
    expect(v.input.str('msg_signature')).toBe(expected);
    expectSignature(
      msgSignature(v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce'), echostr),
      expected,
    );
    const decrypted = decryptForApp([key], echostr, receiveId);
    expect(decrypted.message).toBe(v.derived.str('decrypted_echostr'));
    expect(decrypted.appId).toBe(v.derived.str('trailing_id'));
    v.derived.prose('note');
  },

  'EASYWECHAT-DECRYPT': (v) => {
    const key = v.input.str('encodingAESKey');
    const appId = v.input.str('appid');
    const encrypt = v.input.str('Encrypt');
    const expected = v.input.str('msg_signature');
    expectSignature(
      msgSignature(v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce'), encrypt),
      expected,
    );
    const decrypted = decryptForApp([key], encrypt, appId);
    expect(decrypted.message).toBe(v.derived.str('full_plaintext'));
    expect(decrypted.appId).toBe(v.derived.str('trailing_appid'));

    const fields = parseWechatXml(decrypted.message);
    expect(fields).toEqual({
      URL: 'http://wechat.laravel.so/server',
      ToUserName: v.expected.str('ToUserName'),
      FromUserName: v.expected.str('FromUserName'),
      CreateTime: v.expected.str('CreateTime'),
      MsgType: 'text',
      Content: v.expected.str('Content'),
      MsgId: '12345',
    });
  },

  'WECHATPY-PLAIN-SIGNATURE': checkUrlSignature,

  'WECHATPY-WECOM-ECHO': (v) => {
    const key = v.input.str('encodingAESKey');
    const echostr = v.input.str('echostr');
    const expected = v.expected.str('msg_signature');
    expect(v.input.str('msg_signature')).toBe(expected);
    expectSignature(
      msgSignature(v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce'), echostr),
      expected,
    );
    const receiveId = v.input.str('receiveId');
    const decrypted = decryptForApp([key], echostr, receiveId);
    expect(decrypted.message).toBe(v.derived.str('decrypted_echostr'));
    expect(decrypted.appId).toBe(receiveId);
  },

  'WECHATPY-WECOM-ENCRYPT': (v) => {
    const key = v.input.str('encodingAESKey');
    const receiveId = v.input.str('receiveId');
    const message = v.input.str('msg');
    const random = randomPrefix(v.input.str('random16'));
    const reply = buildEncryptedReply({
      token: v.input.str('token'),
      encodingAesKey: key,
      appId: receiveId,
      message,
      timestamp: v.input.str('timestamp'),
      nonce: v.input.str('nonce'),
      random,
    });
    expect(reply.encrypt).toBe(v.expected.str('Encrypt'));
    expectSignature(reply.msgSignature, v.expected.str('MsgSignature'));
    expect(decryptForApp([key], reply.encrypt, receiveId)).toEqual({
      message,
      appId: receiveId,
      random,
      keyIndex: 0,
    });
    expect(parseWechatXml(message)).toEqual({
      MsgType: 'text',
      Content: 'test',
      FromUserName: 'wx49f0ab532d5d035a',
      ToUserName: 'messense',
      AgentID: '1',
      CreateTime: '1411525903',
    });
  },

  'WECHATPY-WECOM-DECRYPT': (v) => {
    const key = v.input.str('encodingAESKey');
    const receiveId = v.input.str('receiveId');
    const encrypt = v.input.str('Encrypt');
    expectSignature(
      msgSignature(v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce'), encrypt),
      v.input.str('msg_signature'),
    );
    expect(inspect(key, encrypt).pad).toBe(1);
    const decrypted = decryptForApp([key], encrypt, receiveId);
    expect(decrypted.message).toBe(v.derived.str('full_plaintext'));
    expect(decrypted.appId).toBe(receiveId);

    const fields = parseWechatXml(decrypted.message);
    expect(fields['Content']).toBe(v.expected.str('Content'));
    expect(fields['FromUserName']).toBe(v.expected.str('FromUserName'));
    expect(fields).toEqual({
      ToUserName: 'wx49f0ab532d5d035a',
      FromUserName: 'messense',
      CreateTime: '1411525903',
      MsgType: 'text',
      Content: 'test',
      MsgId: '4363689963896700987',
      AgentID: '1',
    });
  },

  'WECHAT-CRYPTO-SIGNATURE': (v) => {
    const parts = ['token', 'timestamp', 'nonce', 'encrypt'].map((k) => v.input.str(k));
    const [token = '', timestamp = '', nonce = '', encrypt = ''] = parts;
    const expected = v.expected.str('signature');
    expectSignature(msgSignature(token, timestamp, nonce, encrypt), expected);
    expect(sha1SortedSignature(parts)).toBe(expected);
  },

  'POWERWECHAT-WECOM-DECRYPT': (v) => {
    const key = v.input.str('encodingAESKey');
    const encrypt = v.input.str('Encrypt');
    expectSignature(
      msgSignature(v.input.str('token'), v.input.str('timestamp'), v.input.str('nonce'), encrypt),
      v.input.str('msg_signature'),
    );
    const message = v.expected.str('msg');
    const receiveId = v.derived.str('trailing_receiveId');
    const decrypted = decryptForApp([key], encrypt, receiveId);
    expect(decrypted.message).toBe(message);
    expect(decrypted.appId).toBe(receiveId);
    expect(inspect(key, encrypt).msgLen).toBe(Buffer.byteLength(message, 'utf8'));
    // The SDK's own test passes agent id 1000005 as "appID"; the trailing id is the corp id.
    expectCryptoError(() => decryptForApp([key], encrypt, '1000005'), 'APPID_MISMATCH');
    v.derived.prose('note');

    expect(parseWechatXml(decrypted.message)).toEqual({
      ToUserName: 'wwedab3d5fc43636d8',
      FromUserName: 'WangChaoYi',
      CreateTime: '1623301925',
      MsgType: 'text',
      Content: '密文测试',
      MsgId: '6972028683187026694',
      AgentID: '1000005',
    });
  },

  'SILENCEPER-SIGNATURE-ABC': (v) => {
    const parts = v.input.strings('parts');
    const expected = v.expected.str('signature');
    expect(sha1SortedSignature(parts)).toBe(expected);
    expect(sha1SortedSignature(['c', 'a', 'b'])).toBe(expected);
  },
};

const vectors = vectorsFile.list('vectors').map(toVector);

describe('vectors.json', () => {
  it('is verified as a whole and vector by vector', () => {
    expect(vectorsFile.bool('all_verified')).toBe(true);
    expect(vectors.filter((v) => !v.verified).map((v) => v.id)).toEqual([]);
  });

  it('has exactly one check per vector id, and no check without a vector', () => {
    const ids = vectors.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.keys(checks).sort());
  });

  it.each(vectors.map((v) => [v.id, v] as const))(
    '%s: every published and derived value matches',
    (id, vector) => {
      const check = checks[id];
      if (check === undefined) {
        throw new Error(`no check for vector ${id}: add one to the checks map`);
      }
      check(vector);
      expect(vector.expected.unread()).toEqual([]);
      expect(vector.derived.unread()).toEqual([]);
    },
  );
});
