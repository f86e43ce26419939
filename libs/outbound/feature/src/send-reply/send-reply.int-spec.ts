import { randomUUID } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import {
  createEnvelope,
  parseEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
  type EventEnvelope,
  type OutboundReplyRequestedV1,
} from '@wechat-desk/contracts';
import { outboundMigrations, ReplySendRepository } from '@wechat-desk/outbound/data-access';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import {
  createTestDatabase,
  createTestRedisPrefix,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import { WechatApiClient } from '@wechat-desk/wechat/api-client';
import {
  createWechatSimulatorApp,
  type RecordedCall,
  WechatSimulatorModule,
} from '@wechat-desk/wechat/simulator';

import { ChannelNotYetKnownError, SendReply } from './send-reply';

/**
 * SendReply with everything real but WeChat: PostgreSQL (ledger, projection, outbox), Redis (the
 * shared access token) and the WeChat simulator in-process over HTTP.
 */

const ACCOUNT = {
  appId: 'wx5e11d0c0ffee0001',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_5e11d0c0ffee',
};
const CHANNEL_ID = randomUUID();
const DISABLED_CHANNEL_ID = randomUUID();
const DISABLED_APP_ID = 'wx5e11d0c0ffee0002';
const WRONG_SECRET_CHANNEL_ID = randomUUID();
const WRONG_SECRET_APP_ID = 'wx5e11d0c0ffee0003';
const DEPARTMENT_ID = randomUUID();

let db: TestDatabase;
let dataSource: DataSource;
let observer: Client;
let redis: Redis;
let redisPrefix: string;
let simulator: NestFastifyApplication;
let simUrl: string;
let sendReply: SendReply;

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot(), { logger: false });
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  simUrl = await simulator.getUrl();
  for (const account of [
    ACCOUNT,
    { ...ACCOUNT, appId: DISABLED_APP_ID },
    { ...ACCOUNT, appId: WRONG_SECRET_APP_ID },
  ]) {
    const created = await fetch(`${simUrl}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(created.status).toBe(201);
  }

  db = await createTestDatabase('outbound_send_reply');
  await migrateAll(db.url, [{ schema: 'outbound', migrations: outboundMigrations }]);
  dataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: 'outbound',
    entities: [],
    migrations: [],
    applicationName: 'outbound-int-spec',
    poolSize: 10,
  }).initialize();
  observer = new Client({ connectionString: db.url });
  await observer.connect();

  redisPrefix = createTestRedisPrefix('outbound_send_reply');
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: redisPrefix, maxRetriesPerRequest: 2 });

  const box = SecretBox.forDevelopment();
  const channels = new ChannelDirectory(dataSource, 'outbound', box);
  const channel = (channelId: string, appId: string, enabled: boolean, appSecret: string) =>
    validateEventData(RoutingKeys.channelUpdated, {
      channelId,
      version: 1,
      name: `Channel ${appId}`,
      departmentId: DEPARTMENT_ID,
      enabled,
      encryptionMode: 'secure',
      replyPolicy: 'desk-classic',
      appId,
      originalId: ACCOUNT.originalId,
      sealedSecrets: sealChannelSecrets(box, channelId, {
        token: 'token123',
        encodingAesKey: 'k'.repeat(43),
        previousEncodingAesKey: null,
        appSecret,
      }),
    });
  await channels.apply(channel(CHANNEL_ID, ACCOUNT.appId, true, ACCOUNT.appSecret));
  await channels.apply(channel(DISABLED_CHANNEL_ID, DISABLED_APP_ID, false, ACCOUNT.appSecret));
  await channels.apply(channel(WRONG_SECRET_CHANNEL_ID, WRONG_SECRET_APP_ID, true, 'f'.repeat(32)));

  sendReply = new SendReply(
    new ReplySendRepository(dataSource),
    channels,
    new WechatApiClient(simUrl, redis, 5_000),
  );
});

afterAll(async () => {
  redis?.disconnect();
  if (redisPrefix !== undefined) {
    await deleteRedisPrefix(TEST_REDIS_URL, redisPrefix);
  }
  await observer?.end().catch(() => undefined);
  if (dataSource?.isInitialized) {
    await dataSource.destroy();
  }
  await db?.drop();
  await simulator?.close();
});

function replyRequest(overrides: Partial<OutboundReplyRequestedV1> = {}): {
  reply: OutboundReplyRequestedV1;
  cause: EventEnvelope;
} {
  const reply = validateEventData(RoutingKeys.outboundReplyRequested, {
    replyId: randomUUID(),
    ticketId: randomUUID(),
    channelId: CHANNEL_ID,
    openId: `oCustomer_${randomUUID().slice(0, 8)}`,
    agentId: randomUUID(),
    type: 'text',
    text: '您好，您的订单已发货 📦 "tracking" <b>123</b>',
    requestedAt: new Date().toISOString(),
    ...overrides,
  });
  const cause = createEnvelope(RoutingKeys.outboundReplyRequested, reply, {
    correlationId: `corr-${reply.replyId}`,
  });
  return { reply, cause };
}

async function simItems(path: string): Promise<RecordedCall[]> {
  const response = await fetch(`${simUrl}${path}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: RecordedCall[] }).items;
}

/** Every custom/send attempt to this customer, refused ones included. */
const sendAttempts = (touser: string): Promise<RecordedCall[]> =>
  simItems(`/sim/custom-messages?all=1&touser=${encodeURIComponent(touser)}`);

const stableTokenCalls = (appId: string): Promise<RecordedCall[]> =>
  simItems(`/sim/calls?path=/cgi-bin/stable_token&appId=${appId}`);

interface LedgerRow {
  reply_id: string;
  ticket_id: string;
  channel_id: string;
  open_id: string;
  status: string;
  request_body: string | null;
  failure_code: string | null;
  failure_message: string | null;
  wechat_errcode: number | null;
}

async function ledger(replyId: string): Promise<LedgerRow[]> {
  const { rows } = await observer.query<LedgerRow>(
    `SELECT reply_id, ticket_id, channel_id, open_id, status, request_body, failure_code,
            failure_message, wechat_errcode FROM outbound.reply_sends WHERE reply_id = $1`,
    [replyId],
  );
  return rows;
}

interface OutboxRow {
  event_id: string;
  routing_key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

async function outboxOf(replyId: string): Promise<OutboxRow[]> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT event_id, routing_key, envelope FROM outbound.outbox
      WHERE envelope->'data'->>'replyId' = $1 ORDER BY position`,
    [replyId],
  );
  for (const row of rows) {
    expect(row.envelope.type).toBe(row.routing_key);
    expect(row.envelope.id).toBe(row.event_id);
    expect(() => parseEnvelope(row.envelope)).not.toThrow();
  }
  return rows;
}

/** What WeChat must receive for a text reply, byte for byte. */
const expectedBody = (reply: OutboundReplyRequestedV1): string =>
  JSON.stringify({ touser: reply.openId, msgtype: 'text', text: { content: reply.text } });

function expectFailedEvent(
  rows: OutboxRow[],
  reply: OutboundReplyRequestedV1,
  cause: EventEnvelope,
  expected: { code: string; message: string | RegExp; wechatErrcode?: number },
): void {
  expect(rows.map((row) => row.routing_key)).toEqual([RoutingKeys.outboundReplyFailed]);
  const { envelope } = rows[0];
  expect(envelope.correlationId).toBe(cause.correlationId);
  expect(envelope.causationId).toBe(cause.id);
  const { message, failedAt, ...rest } = envelope.data;
  expect(rest).toEqual({
    replyId: reply.replyId,
    ticketId: reply.ticketId,
    channelId: reply.channelId,
    openId: reply.openId,
    code: expected.code,
    ...(expected.wechatErrcode === undefined ? {} : { wechatErrcode: expected.wechatErrcode }),
  });
  expect(message).toEqual(
    typeof expected.message === 'string'
      ? expected.message
      : expect.stringMatching(expected.message),
  );
  expect(Date.now() - Date.parse(failedAt as string)).toBeLessThan(60_000);
}

describe('SendReply', () => {
  it('sends a reply once: one custom send with the exact body, ledger sent, outbound.reply.sent.v1', async () => {
    const { reply, cause } = replyRequest();

    await sendReply.execute(reply, cause);

    const attempts = await sendAttempts(reply.openId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      method: 'POST',
      path: '/cgi-bin/message/custom/send',
      appId: ACCOUNT.appId,
      errcode: 0,
      rawBody: expectedBody(reply),
      json: { touser: reply.openId, msgtype: 'text', text: { content: reply.text } },
    });
    expect(await ledger(reply.replyId)).toEqual([
      {
        reply_id: reply.replyId,
        ticket_id: reply.ticketId,
        channel_id: CHANNEL_ID,
        open_id: reply.openId,
        status: 'sent',
        request_body: expectedBody(reply),
        failure_code: null,
        failure_message: null,
        wechat_errcode: null,
      },
    ]);
    const outbox = await outboxOf(reply.replyId);
    expect(outbox.map((row) => row.routing_key)).toEqual([RoutingKeys.outboundReplySent]);
    expect(outbox[0].envelope).toMatchObject({
      correlationId: cause.correlationId,
      causationId: cause.id,
      data: {
        replyId: reply.replyId,
        ticketId: reply.ticketId,
        channelId: CHANNEL_ID,
        openId: reply.openId,
        sentAt: expect.any(String),
      },
    });
    expect(Object.keys(outbox[0].envelope.data).sort()).toEqual(
      ['channelId', 'openId', 'replyId', 'sentAt', 'ticketId'].sort(),
    );

    // Redelivery of the same request: nothing more reaches WeChat, nothing more is recorded.
    await sendReply.execute(reply, cause);
    await sendReply.execute(reply, cause);
    expect(await sendAttempts(reply.openId)).toHaveLength(1);
    expect((await ledger(reply.replyId)).map((row) => row.status)).toEqual(['sent']);
    expect(await outboxOf(reply.replyId)).toHaveLength(1);
  });

  it('sends once when the same request is delivered to several workers at once', async () => {
    const { reply, cause } = replyRequest();

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => sendReply.execute(reply, cause)),
    );

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await sendAttempts(reply.openId)).toHaveLength(1);
    // The real outcome wins over the "unknown" the losers reported while it was in flight.
    expect((await ledger(reply.replyId)).map((row) => row.status)).toEqual(['sent']);
    const outbox = await outboxOf(reply.replyId);
    expect(outbox.filter((row) => row.routing_key === RoutingKeys.outboundReplySent)).toHaveLength(
      1,
    );
  });

  it('a claim left in "sending" (worker died around the call) is not sent again: unknown, OUTCOME_UNKNOWN', async () => {
    const { reply, cause } = replyRequest();
    await observer.query(
      `INSERT INTO outbound.reply_sends (reply_id, ticket_id, channel_id, open_id, status)
       VALUES ($1, $2, $3, $4, 'sending')`,
      [reply.replyId, reply.ticketId, reply.channelId, reply.openId],
    );

    await sendReply.execute(reply, cause);

    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'unknown',
        failure_code: 'OUTCOME_UNKNOWN',
        failure_message: expect.any(String),
        wechat_errcode: null,
      }),
    ]);
    expectFailedEvent(await outboxOf(reply.replyId), reply, cause, {
      code: 'OUTCOME_UNKNOWN',
      message: /\S/,
    });

    // Reported once: a further redelivery neither sends nor reports again.
    await sendReply.execute(reply, cause);
    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await outboxOf(reply.replyId)).toHaveLength(1);
  });

  it('does not send on a disabled channel: failed CHANNEL_DISABLED, no call to WeChat at all', async () => {
    const { reply, cause } = replyRequest({ channelId: DISABLED_CHANNEL_ID });

    await sendReply.execute(reply, cause);

    expect(await simItems(`/sim/calls?appId=${DISABLED_APP_ID}`)).toEqual([]);
    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        failure_code: 'CHANNEL_DISABLED',
        request_body: null,
        wechat_errcode: null,
      }),
    ]);
    expectFailedEvent(await outboxOf(reply.replyId), reply, cause, {
      code: 'CHANNEL_DISABLED',
      message: 'The channel is disabled.',
    });
  });

  it('reports a WeChat refusal (45002, text over 2048 bytes) as WECHAT_REFUSED with the errcode and words for the agent', async () => {
    const text = '好'.repeat(683); // 683 characters, 2049 bytes in UTF-8
    expect(Buffer.byteLength(text, 'utf8')).toBe(2049);
    const { reply, cause } = replyRequest({ text });

    await sendReply.execute(reply, cause);

    const attempts = await sendAttempts(reply.openId);
    expect(attempts.map((call) => [call.errcode, call.rawBody])).toEqual([
      [45002, expectedBody(reply)],
    ]);
    expect(await simItems(`/sim/custom-messages?touser=${reply.openId}`)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        request_body: expectedBody(reply),
        failure_code: 'WECHAT_REFUSED',
        failure_message: 'The message is too long for WeChat.',
        wechat_errcode: 45002,
      }),
    ]);
    expectFailedEvent(await outboxOf(reply.replyId), reply, cause, {
      code: 'WECHAT_REFUSED',
      message: 'The message is too long for WeChat.',
      wechatErrcode: 45002,
    });

    // A definitive refusal is final: a redelivery does not try again.
    await sendReply.execute(reply, cause);
    expect(await sendAttempts(reply.openId)).toHaveLength(1);
  });

  it('drops a token WeChat reports expired, fetches a new one and retries once, transparently', async () => {
    // Make sure a token is cached, then have WeChat expire it behind our back.
    const warmUp = replyRequest();
    await sendReply.execute(warmUp.reply, warmUp.cause);
    const cachedBefore = await redis.get(`wechat:access-token:${ACCOUNT.appId}`);
    expect(cachedBefore).toEqual(expect.any(String));
    const stableBefore = (await stableTokenCalls(ACCOUNT.appId)).length;
    const expired = await fetch(`${simUrl}/sim/accounts/${ACCOUNT.appId}/expire-tokens`, {
      method: 'POST',
    });
    expect(await expired.json()).toEqual({ appId: ACCOUNT.appId, expired: 1 });

    const { reply, cause } = replyRequest();
    await sendReply.execute(reply, cause);

    const attempts = await sendAttempts(reply.openId);
    expect(attempts.map((call) => call.errcode)).toEqual([42001, 0]);
    expect(attempts[0].accessToken).toBe(cachedBefore);
    expect(attempts[1].accessToken).not.toBe(cachedBefore);
    expect(attempts.map((call) => call.rawBody)).toEqual([
      expectedBody(reply),
      expectedBody(reply),
    ]);
    expect(await stableTokenCalls(ACCOUNT.appId)).toHaveLength(stableBefore + 1);
    expect(await redis.get(`wechat:access-token:${ACCOUNT.appId}`)).toBe(attempts[1].accessToken);
    expect((await ledger(reply.replyId)).map((row) => row.status)).toEqual(['sent']);
    expect((await outboxOf(reply.replyId)).map((row) => row.routing_key)).toEqual([
      RoutingKeys.outboundReplySent,
    ]);
  });

  it('gives the claim back when no token can be had (nothing reached WeChat), so a retry may send', async () => {
    const { reply, cause } = replyRequest({ channelId: WRONG_SECRET_CHANNEL_ID });

    await expect(sendReply.execute(reply, cause)).rejects.toMatchObject({ errcode: 40125 });

    expect(await ledger(reply.replyId)).toEqual([]);
    expect(await outboxOf(reply.replyId)).toEqual([]);
    expect(await sendAttempts(reply.openId)).toEqual([]);
  });

  it('refuses a reply for a channel not in the projection yet, claiming nothing', async () => {
    const { reply, cause } = replyRequest({ channelId: randomUUID() });

    await expect(sendReply.execute(reply, cause)).rejects.toBeInstanceOf(ChannelNotYetKnownError);

    expect(await ledger(reply.replyId)).toEqual([]);
    expect(await outboxOf(reply.replyId)).toEqual([]);
    expect(await sendAttempts(reply.openId)).toEqual([]);
  });
});
