import {
  WechatCryptoError,
  WechatXmlError,
  type WechatCryptoErrorCode,
  type WechatXmlErrorCode,
} from '../errors';

export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Asserts a WechatCryptoError (never a raw OpenSSL/TypeError) whose code is one of `codes`. */
export function expectCryptoError(
  fn: () => unknown,
  ...codes: [WechatCryptoErrorCode, ...WechatCryptoErrorCode[]]
): WechatCryptoError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(WechatCryptoError);
  const cryptoError = error as WechatCryptoError;
  expect(codes).toContain(cryptoError.code);
  return cryptoError;
}

export function expectXmlError(fn: () => unknown, code: WechatXmlErrorCode): WechatXmlError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(WechatXmlError);
  const xmlError = error as WechatXmlError;
  expect(xmlError.code).toBe(code);
  return xmlError;
}
