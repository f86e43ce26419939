import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';

import {
  createTestRedisPrefix,
  deleteRedisPrefix,
  TEST_REDIS_URL,
} from '@wechat-desk/shared/testing';
import {
  createWechatSimulatorApp,
  type RecordedCall,
  TOKEN_LIFETIME_S,
  WechatSimulatorModule,
} from '@wechat-desk/wechat/simulator';

import { AccessTokenStore } from './access-token-store';
import { WechatApiClient } from './wechat-api-client';
import { fetchStableToken, WechatHttp } from './wechat-http';

/**
 * The access token shared in Redis by every worker: three clients (three processes' worth: three
 * Redis connections, one key prefix) against the WeChat simulator over HTTP.
 */

const ACCOUNTS = ['wx70c4e5a1b2c3d401', 'wx70c4e5a1b2c3d402', 'wx70c4e5a1b2c3d403'].map(
  (appId) => ({
    appId,
    appSecret: 'abcdef0123456789abcdef0123456789',
    originalId: 'gh_70c4e5a1b2c3',
  }),
);
const WORKERS = 3;

let simulator: NestFastifyApplication;
let simUrl: string;
let prefix: string;
/** Redis as the test sees it (same prefix as the clients, own connection). */
let inspector: Redis;
const connections: Redis[] = [];
const clients: WechatApiClient[] = [];

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot(), { logger: false });
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  simUrl = await simulator.getUrl();
  for (const account of ACCOUNTS) {
    const created = await fetch(`${simUrl}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(created.status).toBe(201);
  }
  prefix = createTestRedisPrefix('access_token');
  for (let i = 0; i < WORKERS; i += 1) {
    const redis = new Redis(TEST_REDIS_URL, {
      keyPrefix: prefix,
      maxRetriesPerRequest: 2,
      connectionName: `token-worker-${i}`,
    });
    connections.push(redis);
    clients.push(new WechatApiClient(simUrl, redis, 5_000));
  }
  inspector = new Redis(TEST_REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  for (const redis of [...connections, inspector]) {
    redis?.disconnect();
  }
  if (prefix !== undefined) {
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  }
  await simulator?.close();
});

async function simItems(path: string): Promise<RecordedCall[]> {
  const response = await fetch(`${simUrl}${path}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: RecordedCall[] }).items;
}

const stableTokenCalls = (appId: string): Promise<RecordedCall[]> =>
  simItems(`/sim/calls?path=/cgi-bin/stable_token&appId=${appId}`);

const tokenKey = (appId: string): string => `wechat:access-token:${appId}`;
const lockKey = (appId: string): string => `wechat:access-token-lock:${appId}`;

describe('access token shared in Redis', () => {
  it('50 concurrent callers on 3 clients, empty cache: exactly one stable_token call, one token for all', async () => {
    const account = ACCOUNTS[0];
    expect(await inspector.exists(tokenKey(account.appId))).toBe(0);

    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => clients[i % WORKERS].getAccessToken(account)),
    );

    const calls = await stableTokenCalls(account.appId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      errcode: 0,
      json: {
        grant_type: 'client_credential',
        appid: account.appId,
        secret: account.appSecret,
        force_refresh: false,
      },
    });
    expect(new Set(tokens).size).toBe(1);
    const [token] = tokens;
    expect(token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    // Stored once, under the prefix, refreshed well before WeChat's expiry; the lock is gone.
    expect(await inspector.get(tokenKey(account.appId))).toBe(token);
    const ttlMs = await inspector.pttl(tokenKey(account.appId));
    expect(ttlMs).toBeGreaterThan((TOKEN_LIFETIME_S - 300 - 60) * 1000);
    expect(ttlMs).toBeLessThanOrEqual((TOKEN_LIFETIME_S - 300) * 1000);
    expect(await inspector.exists(lockKey(account.appId))).toBe(0);
    const raw = new Redis(TEST_REDIS_URL);
    try {
      expect(await raw.get(`${prefix}${tokenKey(account.appId)}`)).toBe(token);
      expect(await raw.exists(tokenKey(account.appId))).toBe(0);
    } finally {
      raw.disconnect();
    }

    // Later callers read the cache: no further call to WeChat.
    const again = await Promise.all(clients.map((client) => client.getAccessToken(account)));
    expect(again).toEqual([token, token, token]);
    expect(await stableTokenCalls(account.appId)).toHaveLength(1);
  });

  it('invalidate with a stale token does not delete a newer one; with the current token it does', async () => {
    const account = ACCOUNTS[1];
    const stores = connections.map((redis) => new AccessTokenStore(redis));
    const http = new WechatHttp(simUrl);
    const fetchToken = () => fetchStableToken(http, account);
    const stale = await stores[0].get(account.appId, fetchToken);

    // Worker 1 saw `stale` fail and refreshed: a newer token is in Redis.
    await stores[1].invalidate(account.appId, stale);
    expect(await inspector.exists(tokenKey(account.appId))).toBe(0);
    const forced = await fetch(`${simUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: account.appId,
        secret: account.appSecret,
        force_refresh: true,
      }),
    });
    const newer = ((await forced.json()) as { access_token: string }).access_token;
    expect(newer).not.toBe(stale);
    const fetchNewer = jest.fn(() => Promise.resolve({ token: newer, expiresInSeconds: 7200 }));
    expect(await stores[1].get(account.appId, fetchNewer)).toBe(newer);
    expect(fetchNewer).toHaveBeenCalledTimes(1);

    // Worker 2 only now reports its failure with the stale token: the newer one stays.
    await stores[2].invalidate(account.appId, stale);
    expect(await inspector.get(tokenKey(account.appId))).toBe(newer);
    expect(await stores[2].get(account.appId, fetchToken)).toBe(newer);

    // Invalidating the current token does remove it, so the next caller fetches again.
    await stores[0].invalidate(account.appId, newer);
    expect(await inspector.exists(tokenKey(account.appId))).toBe(0);
  });

  it('after WeChat expired the token, 50 concurrent sends from 3 clients all succeed with one token request', async () => {
    const account = ACCOUNTS[2];
    const sends = 50;
    // WeChat accepts a customer-service send only to a customer who wrote in the last 48 h.
    for (let i = 0; i < sends; i += 1) {
      const wrote = await fetch(
        `${simUrl}/sim/accounts/${account.appId}/users/oExpired_${i}/interactions`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: 'message' }),
        },
      );
      expect(wrote.status).toBe(200);
    }
    const first = await clients[0].getAccessToken(account);
    const expired = await fetch(`${simUrl}/sim/accounts/${account.appId}/expire-tokens`, {
      method: 'POST',
    });
    expect(await expired.json()).toEqual({ appId: account.appId, expired: 1 });
    const stableBefore = (await stableTokenCalls(account.appId)).length;

    await Promise.all(
      Array.from({ length: sends }, (_, i) =>
        clients[i % WORKERS].sendCustomMessage(account, {
          touser: `oExpired_${i}`,
          msgtype: 'text',
          text: { content: `after expiry ${i}` },
        }),
      ),
    );

    // One refresh for everybody: a stale invalidation never threw away the fresh token.
    expect(await stableTokenCalls(account.appId)).toHaveLength(stableBefore + 1);
    const fresh = await inspector.get(tokenKey(account.appId));
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(first);
    const attempts = (await simItems(`/sim/custom-messages?all=1&appId=${account.appId}`)).filter(
      (call) => call.rawBody.includes('after expiry'),
    );
    const accepted = attempts.filter((call) => call.errcode === 0);
    expect(accepted).toHaveLength(sends);
    expect(new Set(accepted.map((call) => call.accessToken))).toEqual(new Set([fresh]));
    // Each message was tried at most twice (the failed try with the old token, then the retry).
    expect(attempts.filter((call) => call.errcode !== 0).map((call) => call.errcode)).toEqual(
      Array(attempts.length - sends).fill(42001),
    );
    expect(attempts.length - sends).toBeLessThanOrEqual(sends);
  });
});
