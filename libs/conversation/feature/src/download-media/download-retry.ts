import {
  MediaTooLargeError,
  TOKEN_INVALID_ERRCODES,
  WechatApiError,
  WechatHttpStatusError,
  WechatUnreachableError,
} from '@wechat-desk/wechat/api-client';

/*
 * Pure decisions of the media download: what a failure means and what to do next. WeChat deletes
 * media after 3 days, so transient trouble is retried (quickly in the handler, then through the
 * transport's delayed redeliveries) and only the last attempt gives up.
 */

export type DownloadFailureCode = 'MEDIA_EXPIRED' | 'MEDIA_TOO_LARGE' | 'MEDIA_DOWNLOAD_FAILED';

export type DownloadFailure =
  | { kind: 'transient'; message: string }
  | { kind: 'permanent'; code: DownloadFailureCode; message: string };

export type PermanentFailure = Extract<DownloadFailure, { kind: 'permanent' }>;

/** -1 system busy, 45009 daily API quota, 45011 per-minute frequency limit: worth waiting for. */
export const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011]);

/** 40007 invalid media_id: the media is gone (older than 3 days) or never existed. */
export const MEDIA_EXPIRED_ERRCODE = 40007;

const MAX_MESSAGE = 1_000;

/** What a download error means; null when it is not about the download (rethrown as is). */
export function classifyDownloadError(error: unknown): DownloadFailure | null {
  if (error instanceof MediaTooLargeError) {
    return permanent(
      'MEDIA_TOO_LARGE',
      `The media is larger than the ${formatBytes(error.maxBytes)} we accept, so it was not stored.`,
    );
  }
  if (error instanceof WechatApiError) {
    if (error.errcode === MEDIA_EXPIRED_ERRCODE) {
      return permanent(
        'MEDIA_EXPIRED',
        `WeChat no longer has this media (${error.errcode} ${error.errmsg}); media is kept 3 days.`,
      );
    }
    if (TRANSIENT_ERRCODES.has(error.errcode)) {
      return transient(`WeChat answered ${error.errcode} ${error.errmsg}`);
    }
    if (TOKEN_INVALID_ERRCODES.has(error.errcode)) {
      // The client already dropped the token and retried once: the channel's credentials are wrong.
      return permanent(
        'MEDIA_DOWNLOAD_FAILED',
        `WeChat refused the channel's access token (${error.errcode} ${error.errmsg}); check the AppSecret.`,
      );
    }
    return permanent(
      'MEDIA_DOWNLOAD_FAILED',
      `WeChat refused the download (${error.errcode} ${error.errmsg}).`,
    );
  }
  if (error instanceof WechatHttpStatusError) {
    return error.status >= 500 || error.status === 429
      ? transient(`WeChat answered HTTP ${error.status}`)
      : permanent('MEDIA_DOWNLOAD_FAILED', `WeChat answered HTTP ${error.status}.`);
  }
  if (error instanceof WechatUnreachableError) {
    return transient(error.message);
  }
  return null;
}

export interface RetryPolicy {
  /** Tries within one delivery before handing the request back to the transport. */
  quickTries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The transport's last delivery (RABBITMQ_MAX_ATTEMPTS): there the download gives up. */
  maxAttempts: number;
}

export type NextStep =
  | { action: 'retry-now'; delayMs: number }
  /** Throw: the transport redelivers later with its own (longer) delays. */
  | { action: 'redeliver' }
  | { action: 'give-up' };

/**
 * After try `tryInDelivery` (1-based) of delivery `attempt` (1-based, AmqpContext.attempt)
 * failed with `failure`.
 */
export function nextStep(
  failure: DownloadFailure,
  tryInDelivery: number,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): NextStep {
  if (failure.kind === 'permanent') {
    return { action: 'give-up' };
  }
  if (tryInDelivery < policy.quickTries) {
    return {
      action: 'retry-now',
      delayMs: backoffDelayMs(tryInDelivery, policy.baseDelayMs, policy.maxDelayMs, random),
    };
  }
  return attempt >= policy.maxAttempts ? { action: 'give-up' } : { action: 'redeliver' };
}

/**
 * Exponential backoff with jitter: base·2^(retry-1), capped, of which a random half is waited on
 * top of the other half, so workers retrying the same busy API spread out.
 */
export function backoffDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The failure recorded when a transient problem outlasted every attempt. */
export function exhaustedFailure(last: DownloadFailure, tries: number): PermanentFailure {
  return last.kind === 'permanent'
    ? last
    : permanent(
        'MEDIA_DOWNLOAD_FAILED',
        `The media could not be downloaded from WeChat after ${tries} tries: ${last.message}`,
      );
}

function permanent(code: DownloadFailureCode, message: string): PermanentFailure {
  return { kind: 'permanent', code, message: message.slice(0, MAX_MESSAGE) };
}

function transient(message: string): DownloadFailure {
  return { kind: 'transient', message: message.slice(0, MAX_MESSAGE) };
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
