export type WechatCryptoErrorCode =
  | 'INVALID_AES_KEY'
  | 'BAD_BASE64'
  | 'BAD_BLOCK_LENGTH'
  | 'BAD_PADDING'
  | 'BAD_LAYOUT'
  | 'APPID_MISMATCH';

/** Messages never contain key material or plaintext: callers may log them. */
export class WechatCryptoError extends Error {
  override readonly name = 'WechatCryptoError';

  constructor(
    readonly code: WechatCryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type WechatXmlErrorCode = 'EMPTY' | 'FORBIDDEN_DTD' | 'MALFORMED' | 'NOT_WECHAT_XML';

export class WechatXmlError extends Error {
  override readonly name = 'WechatXmlError';

  constructor(
    readonly code: WechatXmlErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
