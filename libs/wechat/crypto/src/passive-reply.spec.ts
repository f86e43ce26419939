import { decryptMessage } from './message-cipher';
import { buildEncryptedReply } from './passive-reply';
import { msgSignature } from './signature';
import { parseWechatXml } from './xml-parse';

const OPTIONS = {
  token: 'AAAAA',
  encodingAesKey: 'A'.repeat(43),
  appId: 'wxba5fad812f8e6fb9',
  message:
    '<xml><ToUserName><![CDATA[o9Ag]]></ToUserName><Content><![CDATA[您好]]></Content></xml>',
  timestamp: '1713424427',
  nonce: '415670741',
};

describe(buildEncryptedReply.name, () => {
  it('builds the envelope with Encrypt, MsgSignature, a bare TimeStamp and Nonce', () => {
    const reply = buildEncryptedReply(OPTIONS);
    expect(reply.xml).toBe(
      `<xml><Encrypt><![CDATA[${reply.encrypt}]]></Encrypt>` +
        `<MsgSignature><![CDATA[${reply.msgSignature}]]></MsgSignature>` +
        `<TimeStamp>1713424427</TimeStamp><Nonce><![CDATA[415670741]]></Nonce></xml>`,
    );
  });

  it('signs the Encrypt text with the token, timestamp and nonce', () => {
    const reply = buildEncryptedReply(OPTIONS);
    expect(reply.msgSignature).toBe(
      msgSignature(OPTIONS.token, OPTIONS.timestamp, OPTIONS.nonce, reply.encrypt),
    );
  });

  it('encrypts the message for the appid so that the envelope round-trips', () => {
    const fields = parseWechatXml(buildEncryptedReply(OPTIONS).xml);
    const encrypt = fields['Encrypt'] as string;
    expect(decryptMessage(OPTIONS.encodingAesKey, encrypt)).toMatchObject({
      message: OPTIONS.message,
      appId: OPTIONS.appId,
    });
    expect(fields['MsgSignature']).toBe(
      msgSignature(
        OPTIONS.token,
        fields['TimeStamp'] as string,
        fields['Nonce'] as string,
        encrypt,
      ),
    );
  });

  it('uses a fresh random prefix unless one is given', () => {
    expect(buildEncryptedReply(OPTIONS).encrypt).not.toBe(buildEncryptedReply(OPTIONS).encrypt);
    const random = Buffer.alloc(16, 7);
    expect(buildEncryptedReply({ ...OPTIONS, random }).encrypt).toBe(
      buildEncryptedReply({ ...OPTIONS, random }).encrypt,
    );
  });

  it.each(['01713424427', 'not-a-number', '1e9'])(
    'keeps a non-canonical timestamp %j as CDATA so it stays the signed text',
    (timestamp) => {
      const reply = buildEncryptedReply({ ...OPTIONS, timestamp });
      expect(reply.xml).toContain(`<TimeStamp><![CDATA[${timestamp}]]></TimeStamp>`);
      expect(parseWechatXml(reply.xml)['TimeStamp']).toBe(timestamp);
    },
  );
});
