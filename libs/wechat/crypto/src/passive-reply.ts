import { encryptMessage } from './message-cipher';
import { msgSignature } from './signature';
import { buildWechatXml } from './xml-build';

export interface EncryptedReplyOptions {
  token: string;
  encodingAesKey: string;
  appId: string;
  /** Inner plaintext reply XML (protocol §2.7). */
  message: string;
  timestamp: string;
  nonce: string;
  random?: Buffer;
}

export interface EncryptedReply {
  encrypt: string;
  msgSignature: string;
  xml: string;
}

const CANONICAL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

/** Encrypted passive reply envelope (protocol §2.6). */
export function buildEncryptedReply(opts: EncryptedReplyOptions): EncryptedReply {
  const encrypt = encryptMessage(opts.encodingAesKey, opts.message, opts.appId, opts.random);
  const signature = msgSignature(opts.token, opts.timestamp, opts.nonce, encrypt);
  // TimeStamp is bare in WeChat's envelope; only emit a number when it prints back as the signed text.
  const timeStamp = CANONICAL_INTEGER.test(opts.timestamp)
    ? Number(opts.timestamp)
    : opts.timestamp;
  const xml = buildWechatXml({
    Encrypt: encrypt,
    MsgSignature: signature,
    TimeStamp: timeStamp,
    Nonce: opts.nonce,
  });
  return { encrypt, msgSignature: signature, xml };
}
