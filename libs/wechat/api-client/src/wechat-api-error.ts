/** WeChat answered with a non-zero errcode (often with HTTP 200). */
export class WechatApiError extends Error {
  override name = 'WechatApiError';

  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`WeChat ${path} answered ${errcode}: ${errmsg}`);
  }
}

/** No answer we can read (network error, timeout, non-JSON): the outcome of the call is unknown. */
export class WechatUnreachableError extends Error {
  override name = 'WechatUnreachableError';
}

/** Errors that mean the access token is no longer valid; drop it and retry once. */
export const TOKEN_INVALID_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
