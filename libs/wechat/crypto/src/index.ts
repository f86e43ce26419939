export { aesKeyFromEncodingAesKey, isValidEncodingAesKey } from './aes-key';
export { generateEncodingAesKey, generateToken, isValidToken } from './credentials';
export {
  WechatCryptoError,
  WechatXmlError,
  type WechatCryptoErrorCode,
  type WechatXmlErrorCode,
} from './errors';
export {
  decryptForApp,
  decryptMessage,
  encryptMessage,
  type DecryptedMessage,
} from './message-cipher';
export {
  buildEncryptedReply,
  type EncryptedReply,
  type EncryptedReplyOptions,
} from './passive-reply';
export { pkcs7Pad32, pkcs7Unpad32 } from './pkcs7';
export { msgSignature, sha1SortedSignature, signaturesEqual, urlSignature } from './signature';
export { buildWechatXml } from './xml-build';
export { parseWechatXml } from './xml-parse';
export type {
  WechatXmlInput,
  WechatXmlInputObject,
  WechatXmlObject,
  WechatXmlValue,
} from './xml-types';
