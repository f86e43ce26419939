import { urlSignature } from '@wechat-desk/wechat/crypto';

import { randomMsgId, unixSeconds } from './messages';
import { type BuildPushOptions, buildPush, type PushTarget, randomNonce, withQuery } from './push';

/** WeChat drops a push that is not answered within 5 s. */
export const WECHAT_PUSH_TIMEOUT_MS = 5000;

export interface HttpOptions {
  /** Defaults to WeChat's 5 s deadline. */
  timeoutMs?: number;
}

export type SendPushOptions = HttpOptions & BuildPushOptions;

export interface PushResult {
  status: number;
  body: string;
  durationMs: number;
}

export interface VerifyResult extends PushResult {
  echostr: string;
  /** What WeChat checks: HTTP 200 and a body that is exactly echostr. */
  accepted: boolean;
}

/** The receiver did not answer within the deadline (WeChat would retry). */
export class PushTimeoutError extends Error {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`no response within ${timeoutMs} ms from ${url}`);
    this.name = 'PushTimeoutError';
  }
}

export async function sendPush(
  target: PushTarget,
  innerXml: string,
  opts: SendPushOptions = {},
): Promise<PushResult> {
  const push = buildPush(target, innerXml, opts);
  return request(
    push.url,
    { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: push.body },
    opts.timeoutMs,
  );
}

/** WeChat's echostr is a random decimal integer of up to 19 digits, like a MsgId. */
export function randomEchostr(): string {
  return randomMsgId();
}

/** The GET WeChat sends when an admin saves the server configuration. */
export async function verifyCallbackUrl(
  target: PushTarget,
  echostr: string = randomEchostr(),
  opts: HttpOptions & Pick<BuildPushOptions, 'timestamp' | 'nonce'> = {},
): Promise<VerifyResult> {
  const timestamp = opts.timestamp ?? String(unixSeconds());
  const nonce = opts.nonce ?? randomNonce();
  const url = withQuery(target.callbackUrl, {
    signature: urlSignature(target.token, timestamp, nonce),
    timestamp,
    nonce,
    echostr,
  });
  const result = await request(url, { method: 'GET' }, opts.timeoutMs);
  return { ...result, echostr, accepted: result.status === 200 && result.body === echostr };
}

async function request(
  url: string,
  init: RequestInit,
  timeoutMs: number = WECHAT_PUSH_TIMEOUT_MS,
): Promise<PushResult> {
  const started = performance.now();
  // One signal for the headers and the body: WeChat's deadline covers the whole exchange.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal });
    const body = await response.text();
    return { status: response.status, body, durationMs: Math.round(performance.now() - started) };
  } catch (error: unknown) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new PushTimeoutError(url, timeoutMs);
    }
    throw error;
  }
}
