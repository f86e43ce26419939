import * as api from './index';

describe('public API', () => {
  it('exports exactly the documented runtime values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'WechatCryptoError',
        'WechatXmlError',
        'aesKeyFromEncodingAesKey',
        'buildEncryptedReply',
        'buildWechatXml',
        'decryptForApp',
        'decryptMessage',
        'encryptMessage',
        'generateEncodingAesKey',
        'generateToken',
        'isValidEncodingAesKey',
        'isValidToken',
        'msgSignature',
        'parseWechatXml',
        'pkcs7Pad32',
        'pkcs7Unpad32',
        'sha1SortedSignature',
        'signaturesEqual',
        'urlSignature',
      ].sort(),
    );
  });

  it('exposes error classes with a code and a name', () => {
    const cryptoError = new api.WechatCryptoError('BAD_PADDING', 'x');
    expect(cryptoError).toBeInstanceOf(Error);
    expect(cryptoError).toMatchObject({
      name: 'WechatCryptoError',
      code: 'BAD_PADDING',
      message: 'x',
    });
    const xmlError = new api.WechatXmlError('EMPTY', 'y');
    expect(xmlError).toBeInstanceOf(Error);
    expect(xmlError).toMatchObject({ name: 'WechatXmlError', code: 'EMPTY', message: 'y' });
  });

  it('accepts the documented buildWechatXml input types', () => {
    const flat: Record<string, string | number | api.WechatXmlObject> = {
      A: 'a',
      B: 1,
      C: { D: 'd' },
    };
    const parsed: api.WechatXmlObject = { A: ['x', { B: 'y' }] };
    expect(api.buildWechatXml(flat)).toBe(
      '<xml><A><![CDATA[a]]></A><B>1</B><C><D><![CDATA[d]]></D></C></xml>',
    );
    expect(api.buildWechatXml(parsed)).toBe(
      '<xml><A><![CDATA[x]]></A><A><B><![CDATA[y]]></B></A></xml>',
    );
  });
});
