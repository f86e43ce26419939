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
  return request(push.url, postXml(push.body), opts.timeoutMs);
}

/** WeChat sends an unacknowledged push again, "at most three retries" (protocol.md §4). */
export const WECHAT_PUSH_RETRIES = 3;

export interface SendPushLikeWechatOptions extends SendPushOptions {
  /** Copies sent after the first one; defaults to WeChat's 3. */
  retries?: number;
}

/** What became of one delivery of a push. */
export type PushAttempt =
  | ({ attempt: number; outcome: 'answered'; acknowledged: boolean } & PushResult)
  | { attempt: number; outcome: 'timeout'; timeoutMs: number }
  | { attempt: number; outcome: 'failed'; error: string };

export interface WechatDelivery {
  /** The receiver acknowledged one of the attempts (the last one). */
  acknowledged: boolean;
  attempts: PushAttempt[];
}

/**
 * What stops WeChat's retries: a 2xx whose body is `success`, empty, or a passive reply (`<xml>`).
 * Anything else (other statuses, JSON, stray whitespace) counts as no answer.
 */
export function isWechatAcknowledgement(result: Pick<PushResult, 'status' | 'body'>): boolean {
  if (result.status < 200 || result.status > 299) {
    return false;
  }
  return (
    result.body === 'success' || result.body === '' || /^<xml>[\s\S]*<\/xml>$/.test(result.body)
  );
}

/**
 * Delivers a push the way WeChat does: when an attempt is not acknowledged within the deadline,
 * the very same request (query and body byte for byte: one signature, one timestamp, one nonce)
 * is sent again, up to `retries` more times. Reports every attempt.
 */
export async function sendPushLikeWechat(
  target: PushTarget,
  innerXml: string,
  opts: SendPushLikeWechatOptions = {},
): Promise<WechatDelivery> {
  const retries = opts.retries ?? WECHAT_PUSH_RETRIES;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new Error(`retries must be a whole number, got ${retries}`);
  }
  const push = buildPush(target, innerXml, opts);
  const attempts: PushAttempt[] = [];
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const outcome = await attemptPush(push.url, push.body, attempt, opts.timeoutMs);
    attempts.push(outcome);
    if (outcome.outcome === 'answered' && outcome.acknowledged) {
      return { acknowledged: true, attempts };
    }
  }
  return { acknowledged: false, attempts };
}

async function attemptPush(
  url: string,
  body: string,
  attempt: number,
  timeoutMs: number | undefined,
): Promise<PushAttempt> {
  try {
    const result = await request(url, postXml(body), timeoutMs);
    return {
      attempt,
      outcome: 'answered',
      acknowledged: isWechatAcknowledgement(result),
      ...result,
    };
  } catch (error: unknown) {
    if (error instanceof PushTimeoutError) {
      return { attempt, outcome: 'timeout', timeoutMs: error.timeoutMs };
    }
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return {
      attempt,
      outcome: 'failed',
      error: `${error instanceof Error ? error.message : String(error)}${cause}`,
    };
  }
}

function postXml(body: string): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body };
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
