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

/** WeChat (or the video URL's host) answered with a non-2xx HTTP status. */
export class WechatHttpStatusError extends Error {
  override name = 'WechatHttpStatusError';
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`WeChat ${path} answered HTTP ${status}`);
  }
}

/** The media is bigger than we accept; refused before (or while) reading it, never stored. */
export class MediaTooLargeError extends Error {
  override name = 'MediaTooLargeError';
  constructor(
    readonly maxBytes: number,
    /** Known from Content-Length; otherwise at least this much was read before giving up. */
    readonly sizeAtLeast: number,
  ) {
    super(`Media is larger than ${maxBytes} bytes (at least ${sizeAtLeast})`);
  }
}
