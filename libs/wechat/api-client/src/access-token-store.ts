import type Redis from 'ioredis';

import { sleep } from '@wechat-desk/shared/util';

const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/** Access tokens shared by every worker through Redis, refreshed by one of them at a time. */
export class AccessTokenStore {
  private readonly inProcess = new Map<string, Promise<string>>();

  constructor(
    private readonly redis: Redis,
    private readonly options: { lockMs: number; waitForOtherMs: number } = {
      lockMs: 10_000,
      waitForOtherMs: 5_000,
    },
  ) {}

  /** The cached token, or one fetched by exactly one caller while the others wait for it. */
  async get(
    appId: string,
    fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>,
  ): Promise<string> {
    const cached = await this.redis.get(tokenKey(appId));
    if (cached !== null) {
      return cached;
    }
    const running = this.inProcess.get(appId);
    if (running !== undefined) {
      return running;
    }
    const refresh = this.refresh(appId, fetchToken).finally(() => this.inProcess.delete(appId));
    this.inProcess.set(appId, refresh);
    return refresh;
  }

  /** Drops the token only if it is still the one that failed (another worker may have refreshed). */
  async invalidate(appId: string, failedToken: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, tokenKey(appId), failedToken);
  }

  private async refresh(
    appId: string,
    fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>,
  ): Promise<string> {
    const lockToken = `${process.pid}:${Math.random()}`;
    const deadline = Date.now() + this.options.waitForOtherMs;
    while (Date.now() < deadline) {
      const locked = await this.redis.set(
        lockKey(appId),
        lockToken,
        'PX',
        this.options.lockMs,
        'NX',
      );
      if (locked === 'OK') {
        try {
          const again = await this.redis.get(tokenKey(appId));
          if (again !== null) {
            return again;
          }
          const fetched = await fetchToken();
          // Refresh well before WeChat's expiry; stable_token guarantees at least 300 s left.
          const ttlMs = Math.max(30, fetched.expiresInSeconds - 300) * 1000;
          await this.redis.set(tokenKey(appId), fetched.token, 'PX', ttlMs);
          return fetched.token;
        } finally {
          await this.redis.eval(COMPARE_AND_DELETE, 1, lockKey(appId), lockToken);
        }
      }
      await sleep(50);
      const fetchedByOther = await this.redis.get(tokenKey(appId));
      if (fetchedByOther !== null) {
        return fetchedByOther;
      }
    }
    throw new Error(`Timed out waiting for the access token of ${appId}`);
  }
}

const tokenKey = (appId: string): string => `wechat:access-token:${appId}`;
const lockKey = (appId: string): string => `wechat:access-token-lock:${appId}`;
