import {
  MediaTooLargeError,
  WechatApiError,
  WechatHttpStatusError,
  WechatUnreachableError,
} from '@wechat-desk/wechat/api-client';

import {
  backoffDelayMs,
  classifyDownloadError,
  type DownloadFailure,
  exhaustedFailure,
  nextStep,
  type RetryPolicy,
} from './download-retry';

const api = (errcode: number, errmsg = 'x'): WechatApiError =>
  new WechatApiError(errcode, errmsg, '/cgi-bin/media/get');

describe('classifyDownloadError', () => {
  it.each([
    ['40007 invalid media_id', api(40007, 'invalid media_id'), 'permanent', 'MEDIA_EXPIRED'],
    [
      'too large',
      new MediaTooLargeError(20 * 1024 * 1024, 30_000_000),
      'permanent',
      'MEDIA_TOO_LARGE',
    ],
    ['-1 system busy', api(-1), 'transient', undefined],
    ['45009 daily quota', api(45009), 'transient', undefined],
    ['45011 frequency limit', api(45011), 'transient', undefined],
    ['40001 after the token retry', api(40001), 'permanent', 'MEDIA_DOWNLOAD_FAILED'],
    ['42001 after the token retry', api(42001), 'permanent', 'MEDIA_DOWNLOAD_FAILED'],
    ['48001 not authorised', api(48001), 'permanent', 'MEDIA_DOWNLOAD_FAILED'],
    ['HTTP 500', new WechatHttpStatusError(500, '/x'), 'transient', undefined],
    ['HTTP 503', new WechatHttpStatusError(503, '/x'), 'transient', undefined],
    ['HTTP 429', new WechatHttpStatusError(429, '/x'), 'transient', undefined],
    ['HTTP 404', new WechatHttpStatusError(404, '/x'), 'permanent', 'MEDIA_DOWNLOAD_FAILED'],
    ['network / timeout', new WechatUnreachableError('did not answer'), 'transient', undefined],
  ])('%s → %s %s', (_label, error, kind, code) => {
    const failure = classifyDownloadError(error);
    expect(failure?.kind).toBe(kind);
    expect(failure && 'code' in failure ? failure.code : undefined).toBe(code);
    expect(failure?.message.length).toBeGreaterThan(0);
  });

  it('anything else is not a download failure (rethrown for the transport)', () => {
    expect(classifyDownloadError(new Error('connection terminated'))).toBeNull();
    expect(classifyDownloadError('boom')).toBeNull();
  });

  it('a human message for agents, within the contract limit', () => {
    expect(classifyDownloadError(api(40007, 'invalid media_id'))?.message).toBe(
      'WeChat no longer has this media (40007 invalid media_id); media is kept 3 days.',
    );
    expect(classifyDownloadError(new MediaTooLargeError(20 * 1024 * 1024, 1))?.message).toContain(
      '20 MiB',
    );
    expect(classifyDownloadError(api(-1, 'x'.repeat(5_000)))?.message.length).toBeLessThanOrEqual(
      1_000,
    );
  });
});

describe('nextStep', () => {
  const policy: RetryPolicy = {
    quickTries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxAttempts: 5,
  };
  const busy: DownloadFailure = { kind: 'transient', message: 'busy' };
  const expired: DownloadFailure = { kind: 'permanent', code: 'MEDIA_EXPIRED', message: 'gone' };

  it('gives up at once on a permanent failure, whatever the attempt', () => {
    expect(nextStep(expired, 1, 1, policy)).toEqual({ action: 'give-up' });
  });

  it('retries a transient failure quickly with growing delays, then hands it to the transport', () => {
    expect(nextStep(busy, 1, 1, policy, () => 0)).toEqual({ action: 'retry-now', delayMs: 50 });
    expect(nextStep(busy, 2, 1, policy, () => 1)).toEqual({ action: 'retry-now', delayMs: 200 });
    expect(nextStep(busy, 3, 1, policy)).toEqual({ action: 'redeliver' });
    expect(nextStep(busy, 3, 4, policy)).toEqual({ action: 'redeliver' });
  });

  it('on the last attempt a transient failure gives up after its quick tries', () => {
    expect(nextStep(busy, 1, 5, policy, () => 0.5)).toMatchObject({ action: 'retry-now' });
    expect(nextStep(busy, 3, 5, policy)).toEqual({ action: 'give-up' });
    expect(nextStep(busy, 3, 6, policy)).toEqual({ action: 'give-up' });
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base, capped, with half of it random', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, 100, 1_000, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, 100, 1_000, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelayMs(3, 100, 1_000);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});

describe('exhaustedFailure', () => {
  it('turns the last transient problem into MEDIA_DOWNLOAD_FAILED with the tries; keeps a permanent one', () => {
    expect(
      exhaustedFailure({ kind: 'transient', message: 'WeChat answered HTTP 500' }, 15),
    ).toEqual({
      kind: 'permanent',
      code: 'MEDIA_DOWNLOAD_FAILED',
      message:
        'The media could not be downloaded from WeChat after 15 tries: WeChat answered HTTP 500',
    });
    const expired = { kind: 'permanent', code: 'MEDIA_EXPIRED', message: 'gone' } as const;
    expect(exhaustedFailure(expired, 1)).toBe(expired);
  });
});
