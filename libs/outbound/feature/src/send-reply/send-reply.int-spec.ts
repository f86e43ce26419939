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
import {
  ChannelTagRepository,
  outboundMigrations,
  ReplySendRepository,
} from '@wechat-desk/outbound/data-access';
import { blobStoreMigrations, PostgresBlobStore } from '@wechat-desk/shared/blob-store';
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

import { SendTyping } from '../send-typing/send-typing';
import { MonthlySend } from './monthly-send';
import { ChannelNotYetKnownError, ReplyInFlightError, SendReply } from './send-reply';

/**
 * SendReply with everything real but WeChat: PostgreSQL (ledger, counters, outbox, blobs), Redis
 * (the shared access token, the monthly lane) and the WeChat simulator over HTTP, which enforces
 * WeChat's own rules and so judges ours. Several "workers" are separate SendReply instances with
 * their own database pools and API clients, like separate processes.
 */

const ACCOUNT = {
  appId: 'wx5e11d0c0ffee0001',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_5e11d0c0ffee',
};
const CLASSIC_CHANNEL_ID = randomUUID();
const WECHAT_2023_CHANNEL_ID = randomUUID();
const WECHAT_2023_APP_ID = 'wx5e11d0c0ffee0004';
const DISABLED_CHANNEL_ID = randomUUID();
const DISABLED_APP_ID = 'wx5e11d0c0ffee0002';
const WRONG_SECRET_CHANNEL_ID = randomUUID();
const WRONG_SECRET_APP_ID = 'wx5e11d0c0ffee0003';
const DEPARTMENT_ID = randomUUID();
const HOUR_MS = 3_600_000;

const APP_OF: Record<string, string> = {
  [CLASSIC_CHANNEL_ID]: ACCOUNT.appId,
  [WECHAT_2023_CHANNEL_ID]: WECHAT_2023_APP_ID,
  [DISABLED_CHANNEL_ID]: DISABLED_APP_ID,
  [WRONG_SECRET_CHANNEL_ID]: WRONG_SECRET_APP_ID,
};

let db: TestDatabase;
let observer: Client;
let redisPrefix: string;
let simulator: NestFastifyApplication;
let simUrl: string;
const dataSources: DataSource[] = [];
const redisClients: Redis[] = [];
let workers: SendReply[];
let typing: SendTyping;
let blobs: PostgresBlobStore;

async function startWorker(): Promise<SendReply> {
  const dataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: 'outbound',
    entities: [],
    migrations: [],
    applicationName: 'outbound-int-spec',
    poolSize: 10,
  }).initialize();
  dataSources.push(dataSource);
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix: redisPrefix, maxRetriesPerRequest: 2 });
  redisClients.push(redis);
  const wechat = new WechatApiClient(simUrl, redis, 5_000);
  const channels = new ChannelDirectory(dataSource, 'outbound', SecretBox.forDevelopment());
  typing = new SendTyping(new ReplySendRepository(dataSource), channels, wechat, {
    REPLY_QUOTA_TIME_ZONE: 'Asia/Shanghai',
  });
  return new SendReply(
    new ReplySendRepository(dataSource),
    channels,
    wechat,
    new PostgresBlobStore(dataSource),
    new MonthlySend(wechat, redis, new ChannelTagRepository(dataSource), {
      laneTtlMs: 30_000,
      laneWaitMs: 20_000,
      jobWaitMs: 5_000,
      pollMs: 20,
    }),
    { REPLY_QUOTA_TIME_ZONE: 'Asia/Shanghai' },
  );
}

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot(), { logger: false });
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  simUrl = await simulator.getUrl();
  for (const appId of Object.values(APP_OF)) {
    const created = await fetch(`${simUrl}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...ACCOUNT, appId }),
    });
    expect(created.status).toBe(201);
  }

  db = await createTestDatabase('outbound_send_reply');
  await migrateAll(db.url, [
    { schema: 'outbound', migrations: outboundMigrations },
    { schema: 'blobs', migrations: blobStoreMigrations },
  ]);
  observer = new Client({ connectionString: db.url });
  await observer.connect();
  redisPrefix = createTestRedisPrefix('outbound_send_reply');

  workers = [await startWorker(), await startWorker(), await startWorker(), await startWorker()];
  const box = SecretBox.forDevelopment();
  const directory = new ChannelDirectory(dataSources[0], 'outbound', box);
  blobs = new PostgresBlobStore(dataSources[0]);
  const channel = (
    channelId: string,
    enabled: boolean,
    appSecret: string,
    replyPolicy: 'desk-classic' | 'wechat-2023',
  ) =>
    validateEventData(RoutingKeys.channelUpdated, {
      channelId,
      version: 1,
      name: `Channel ${APP_OF[channelId]}`,
      departmentId: DEPARTMENT_ID,
      enabled,
      encryptionMode: 'secure',
      replyPolicy,
      appId: APP_OF[channelId],
      originalId: ACCOUNT.originalId,
      sealedSecrets: sealChannelSecrets(box, channelId, {
        token: 'token123',
        encodingAesKey: 'k'.repeat(43),
        previousEncodingAesKey: null,
        appSecret,
      }),
    });
  await directory.apply(channel(CLASSIC_CHANNEL_ID, true, ACCOUNT.appSecret, 'desk-classic'));
  await directory.apply(channel(WECHAT_2023_CHANNEL_ID, true, ACCOUNT.appSecret, 'wechat-2023'));
  await directory.apply(channel(DISABLED_CHANNEL_ID, false, ACCOUNT.appSecret, 'desk-classic'));
  await directory.apply(channel(WRONG_SECRET_CHANNEL_ID, true, 'f'.repeat(32), 'desk-classic'));
});

afterAll(async () => {
  for (const redis of redisClients) {
    redis.disconnect();
  }
  if (redisPrefix !== undefined) {
    await deleteRedisPrefix(TEST_REDIS_URL, redisPrefix);
  }
  await observer?.end().catch(() => undefined);
  for (const dataSource of dataSources) {
    await dataSource.destroy();
  }
  await db?.drop();
  await simulator?.close();
});

const newOpenId = (): string => `oCustomer_${randomUUID().slice(0, 12)}`;

/** The customer did something on WeChat: the simulator (WeChat) learns it; the desk view is returned. */
async function customerDid(
  channelId: string,
  openId: string,
  kind: 'message' | 'follow' | 'unfollow' | 'menu',
  at: Date,
): Promise<void> {
  const answer = await fetch(
    `${simUrl}/sim/accounts/${APP_OF[channelId]}/users/${encodeURIComponent(openId)}/interactions`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind, at: at.toISOString() }),
    },
  );
  expect(answer.status).toBe(200);
}

/** A customer who follows and wrote `hoursAgo` ago, known to WeChat and to the desk's view. */
async function customerWhoWrote(
  channelId: string,
  hoursAgo: number,
): Promise<{ openId: string; view: Partial<OutboundReplyRequestedV1> }> {
  const openId = newOpenId();
  const wroteAt = new Date(Date.now() - hoursAgo * HOUR_MS);
  const followedAt = new Date(wroteAt.getTime() - 60_000);
  await customerDid(channelId, openId, 'follow', followedAt);
  await customerDid(channelId, openId, 'message', wroteAt);
  return {
    openId,
    view: {
      channelId,
      openId,
      following: true,
      followingChangedAt: followedAt.toISOString(),
      lastCustomerMessageAt: wroteAt.toISOString(),
      lastPromptAt: followedAt.toISOString(),
    },
  };
}

function replyRequest(overrides: Partial<OutboundReplyRequestedV1>): {
  reply: OutboundReplyRequestedV1;
  cause: EventEnvelope;
} {
  const reply = validateEventData(RoutingKeys.outboundReplyRequested, {
    replyId: randomUUID(),
    ticketId: randomUUID(),
    channelId: CLASSIC_CHANNEL_ID,
    openId: newOpenId(),
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

async function simItems<T = RecordedCall>(path: string): Promise<T[]> {
  const response = await fetch(`${simUrl}${path}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: T[] }).items;
}

interface Delivery {
  source: 'custom' | 'mass';
  msgtype: string;
  payload: unknown;
}

/** What the customer actually received on WeChat, in order. */
const received = (channelId: string, openId: string): Promise<Delivery[]> =>
  simItems<Delivery>(
    `/sim/deliveries?appId=${APP_OF[channelId]}&openId=${encodeURIComponent(openId)}`,
  );

/** Every custom/send attempt to this customer, refused ones included. */
const sendAttempts = (touser: string): Promise<RecordedCall[]> =>
  simItems(`/sim/custom-messages?all=1&touser=${encodeURIComponent(touser)}`);

const callsTo = (appId: string, path: string): Promise<RecordedCall[]> =>
  simItems(`/sim/calls?path=${path}&appId=${appId}`);

interface LedgerRow {
  status: string;
  request_body: string | null;
  failure_code: string | null;
  failure_message: string | null;
  wechat_errcode: number | null;
  slot_kind: string | null;
}

async function ledger(replyId: string): Promise<LedgerRow[]> {
  const { rows } = await observer.query<LedgerRow>(
    `SELECT status, request_body, failure_code, failure_message, wechat_errcode, slot_kind
       FROM outbound.reply_sends WHERE reply_id = $1`,
    [replyId],
  );
  return rows;
}

interface CounterRow {
  customer_window_used: number;
  prompt_window_used: number;
  monthly_used: number;
  wechat_refused_at: Date | null;
}

async function counters(channelId: string, openId: string): Promise<CounterRow | undefined> {
  const { rows } = await observer.query<CounterRow>(
    `SELECT customer_window_used, prompt_window_used, monthly_used, wechat_refused_at
       FROM outbound.customer_windows WHERE channel_id = $1 AND open_id = $2`,
    [channelId, openId],
  );
  return rows[0];
}

interface OutboxRow {
  routing_key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

/** The outcome events of one reply (sent / failed), validated against their contracts. */
async function outcomesOf(replyId: string): Promise<OutboxRow[]> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT routing_key, envelope FROM outbound.outbox
      WHERE envelope->'data'->>'replyId' = $1 ORDER BY position`,
    [replyId],
  );
  for (const row of rows) {
    expect(() => parseEnvelope(row.envelope)).not.toThrow();
  }
  return rows;
}

async function windowEventsOf(openId: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT routing_key, envelope FROM outbound.outbox
      WHERE routing_key = $1 AND envelope->'data'->>'openId' = $2 ORDER BY position`,
    [RoutingKeys.outboundReplyWindowUpdated, openId],
  );
  return rows.map((row) => {
    expect(() => parseEnvelope(row.envelope)).not.toThrow();
    return row.envelope.data;
  });
}

const textBody = (reply: OutboundReplyRequestedV1): string =>
  JSON.stringify({ touser: reply.openId, msgtype: 'text', text: { content: reply.text } });

const worker = (): SendReply => workers[0];

/** One at a time: the observer is a single connection. */
async function ledgersOf(replyIds: string[]): Promise<Array<LedgerRow | undefined>> {
  const rows: Array<LedgerRow | undefined> = [];
  for (const replyId of replyIds) {
    rows.push((await ledger(replyId))[0]);
  }
  return rows;
}

describe('SendReply within the window', () => {
  it('sends once through custom/send with the exact body, and announces the counters', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);

    await worker().execute(reply, cause);

    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'text',
        payload: { content: reply.text },
      }),
    ]);
    const attempts = await sendAttempts(reply.openId);
    expect(attempts.map((call) => [call.errcode, call.rawBody])).toEqual([[0, textBody(reply)]]);
    expect(await ledger(reply.replyId)).toEqual([
      {
        status: 'sent',
        request_body: textBody(reply),
        failure_code: null,
        failure_message: null,
        wechat_errcode: null,
        slot_kind: 'customer-message',
      },
    ]);
    const outcomes = await outcomesOf(reply.replyId);
    expect(outcomes.map((row) => row.routing_key)).toEqual([RoutingKeys.outboundReplySent]);
    expect(outcomes[0].envelope).toMatchObject({
      correlationId: cause.correlationId,
      causationId: cause.id,
    });
    expect(await windowEventsOf(customer.openId)).toEqual([
      expect.objectContaining({
        channelId: CLASSIC_CHANNEL_ID,
        version: 1,
        customerWindowOpenedAt: customer.view.lastCustomerMessageAt,
        customerWindowUsed: 1,
        monthlyUsed: 0,
      }),
    ]);

    // Redeliveries send nothing more and announce nothing more.
    await worker().execute(reply, cause);
    await workers[1].execute(reply, cause);
    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toHaveLength(1);
    expect(await outcomesOf(reply.replyId)).toHaveLength(1);
  });

  it('sends once when the same request reaches several workers at once', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);

    const results = await Promise.allSettled(
      [...workers, ...workers].map((each) => each.execute(reply, cause)),
    );

    // Who found the send in flight asks to be redelivered later; by then it is done.
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toBeInstanceOf(ReplyInFlightError);
      }
    }
    await Promise.all(workers.map((each) => each.execute(reply, cause)));
    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toHaveLength(1);
    expect((await ledger(reply.replyId)).map((row) => row.status)).toEqual(['sent']);
    expect((await outcomesOf(reply.replyId)).map((row) => row.routing_key)).toEqual([
      RoutingKeys.outboundReplySent,
    ]);
    expect(await counters(CLASSIC_CHANNEL_ID, customer.openId)).toMatchObject({
      customer_window_used: 1,
    });
  });

  it('never calls WeChat again for a reply left in "sending" by a crash after the call: OUTCOME_UNKNOWN', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);
    await observer.query(
      `INSERT INTO outbound.reply_sends (reply_id, ticket_id, channel_id, open_id, status, slot_kind,
         slot_window_opened_at, updated_at)
       VALUES ($1, $2, $3, $4, 'sending', 'customer-message', $5, now() - interval '5 minutes')`,
      [reply.replyId, reply.ticketId, reply.channelId, reply.openId, reply.lastCustomerMessageAt],
    );

    await worker().execute(reply, cause);
    await worker().execute(reply, cause);

    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({ status: 'unknown', failure_code: 'OUTCOME_UNKNOWN' }),
    ]);
    const outcomes = await outcomesOf(reply.replyId);
    expect(outcomes.map((row) => row.envelope.data['code'])).toEqual(['OUTCOME_UNKNOWN']);
  });

  it('goes on with the slot of an attempt that died before calling WeChat ("prepared")', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);
    await observer.query(
      `INSERT INTO outbound.reply_sends (reply_id, ticket_id, channel_id, open_id, status, slot_kind,
         slot_window_opened_at) VALUES ($1, $2, $3, $4, 'prepared', 'customer-message', $5)`,
      [reply.replyId, reply.ticketId, reply.channelId, reply.openId, reply.lastCustomerMessageAt],
    );

    await worker().execute(reply, cause);

    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toHaveLength(1);
    expect((await ledger(reply.replyId)).map((row) => row.status)).toEqual(['sent']);
  });

  it('sends nothing on a disabled channel: CHANNEL_DISABLED, no call to WeChat at all', async () => {
    const customer = await customerWhoWrote(DISABLED_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);

    await worker().execute(reply, cause);

    expect(await simItems(`/sim/calls?appId=${DISABLED_APP_ID}`)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        failure_code: 'CHANNEL_DISABLED',
        slot_kind: null,
      }),
    ]);
    expect((await outcomesOf(reply.replyId)).map((row) => row.envelope.data['code'])).toEqual([
      'CHANNEL_DISABLED',
    ]);
  });

  it('refuses an unfollowed customer before WeChat is called', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const unfollowedAt = new Date();
    await customerDid(CLASSIC_CHANNEL_ID, customer.openId, 'unfollow', unfollowedAt);
    const { reply, cause } = replyRequest({
      ...customer.view,
      following: false,
      followingChangedAt: unfollowedAt.toISOString(),
    });

    await worker().execute(reply, cause);

    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({ status: 'failed', failure_code: 'CUSTOMER_NOT_FOLLOWING' }),
    ]);
  });

  it('turns WeChat’s 45002 into CONTENT_TOO_LONG with words, and gives the slot back', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const text = '好'.repeat(683); // 2049 bytes in UTF-8: one over WeChat's limit
    const { reply, cause } = replyRequest({ ...customer.view, text });

    await worker().execute(reply, cause);

    expect((await sendAttempts(reply.openId)).map((call) => call.errcode)).toEqual([45002]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        failure_code: 'CONTENT_TOO_LONG',
        failure_message: 'WeChat refused it: the message is too long. Shorten it or split it.',
        wechat_errcode: 45002,
      }),
    ]);
    expect(await counters(CLASSIC_CHANNEL_ID, customer.openId)).toMatchObject({
      customer_window_used: 0,
      wechat_refused_at: null,
    });
    const failed = (await outcomesOf(reply.replyId))[0].envelope.data;
    expect(failed).toMatchObject({ code: 'CONTENT_TOO_LONG', wechatErrcode: 45002 });
  });

  it('drops a token WeChat reports expired, fetches one new token and retries once', async () => {
    const warm = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const warmUp = replyRequest(warm.view);
    await worker().execute(warmUp.reply, warmUp.cause);
    const tokensBefore = (await callsTo(ACCOUNT.appId, '/cgi-bin/stable_token')).length;
    const expired = await fetch(`${simUrl}/sim/accounts/${ACCOUNT.appId}/expire-tokens`, {
      method: 'POST',
    });
    expect(expired.status).toBe(200);

    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);
    await worker().execute(reply, cause);

    expect((await sendAttempts(reply.openId)).map((call) => call.errcode)).toEqual([42001, 0]);
    expect(await callsTo(ACCOUNT.appId, '/cgi-bin/stable_token')).toHaveLength(tokensBefore + 1);
    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toHaveLength(1);
  });

  it('reports credentials WeChat refuses as CHANNEL_MISCONFIGURED, sending nothing', async () => {
    const customer = await customerWhoWrote(WRONG_SECRET_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest(customer.view);

    await worker().execute(reply, cause);

    expect(await sendAttempts(reply.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({
        status: 'failed',
        failure_code: 'CHANNEL_MISCONFIGURED',
        wechat_errcode: 40125,
      }),
    ]);
  });

  it('throws for a channel not in the projection yet, recording nothing', async () => {
    const { reply, cause } = replyRequest({ channelId: randomUUID() });

    await expect(worker().execute(reply, cause)).rejects.toBeInstanceOf(ChannelNotYetKnownError);

    expect(await ledger(reply.replyId)).toEqual([]);
  });
});

describe('SendReply outside the window: 4 per customer and calendar month', () => {
  it('with 4 workers and 10 concurrent replies, exactly 4 go out (one-member tag, mass send) and 6 are refused', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 49);
    const requests = Array.from({ length: 10 }, (_, i) =>
      replyRequest({ ...customer.view, text: `Monthly message ${i + 1}` }),
    );

    await Promise.all(
      requests.map(({ reply, cause }, i) => workers[i % workers.length].execute(reply, cause)),
    );

    const deliveries = await received(CLASSIC_CHANNEL_ID, customer.openId);
    expect(deliveries).toHaveLength(4);
    expect(deliveries.every((delivery) => delivery.source === 'mass')).toBe(true);
    expect(await sendAttempts(customer.openId)).toEqual([]);
    const statuses = await ledgersOf(requests.map(({ reply }) => reply.replyId));
    expect(statuses.filter((row) => row?.status === 'sent')).toHaveLength(4);
    const refused = statuses.filter((row) => row?.status === 'failed');
    expect(refused).toHaveLength(6);
    expect(new Set(refused.map((row) => row?.failure_code))).toEqual(
      new Set(['MONTHLY_QUOTA_EXHAUSTED']),
    );
    expect(await counters(CLASSIC_CHANNEL_ID, customer.openId)).toMatchObject({
      monthly_used: 4,
    });
    // The tag was only ever the one customer's, and is empty again.
    const jobs = await simItems<{ recipients: Array<{ openId: string }> }>(
      `/sim/mass-sends?appId=${ACCOUNT.appId}`,
    );
    const ours = jobs.filter((job) => job.recipients.some((r) => r.openId === customer.openId));
    expect(ours).toHaveLength(4);
    expect(ours.every((job) => job.recipients.length === 1)).toBe(true);
    const users = await simItems<{ openId: string; tagIds: number[] }>(
      `/sim/accounts/${ACCOUNT.appId}/users`,
    );
    expect(users.find((user) => user.openId === customer.openId)?.tagIds).toEqual([]);
  });

  it('has no monthly route for a video: refused, no slot used', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 49);
    await blobs.put('outbound/replies/video-1', {
      bytes: mp4Bytes(),
      contentType: 'video/mp4',
    });
    const { reply, cause } = replyRequest({
      ...customer.view,
      type: 'video',
      text: undefined,
      attachmentBlobKey: 'outbound/replies/video-1',
      attachmentMimeType: 'video/mp4',
      attachmentSize: mp4Bytes().length,
      attachmentFileName: 'demo.mp4',
    });

    await worker().execute(reply, cause);

    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toEqual([]);
    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({ status: 'failed', failure_code: 'NOT_SENDABLE_OUTSIDE_WINDOW' }),
    ]);
    expect(await counters(CLASSIC_CHANNEL_ID, customer.openId)).toMatchObject({
      monthly_used: 0,
    });
  });
});

describe('WeChat’s verdict wins', () => {
  it('desk-classic within 48 h: WeChat’s 45047 after 5 sends closes the window in our books; the next reply goes monthly', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const requests = Array.from({ length: 7 }, (_, i) =>
      replyRequest({ ...customer.view, text: `Reply ${i + 1}` }),
    );

    for (const { reply, cause } of requests) {
      await worker().execute(reply, cause);
    }

    const rows = await ledgersOf(requests.map(({ reply }) => reply.replyId));
    expect(rows.map((row) => [row?.status, row?.slot_kind, row?.failure_code])).toEqual([
      ...Array.from({ length: 5 }, () => ['sent', 'customer-message', null]),
      ['failed', 'customer-message', 'WINDOW_SEND_LIMIT_REACHED'],
      ['sent', 'quota', null],
    ]);
    expect(rows[5]?.wechat_errcode).toBe(45047);
    const window = await counters(CLASSIC_CHANNEL_ID, customer.openId);
    expect(window).toMatchObject({ customer_window_used: 5, monthly_used: 1 });
    expect(window?.wechat_refused_at).toBeInstanceOf(Date);
    expect((await received(CLASSIC_CHANNEL_ID, customer.openId)).map((d) => d.source)).toEqual([
      ...Array.from({ length: 5 }, () => 'custom'),
      'mass',
    ]);
  });

  it('wechat-2023: 5 custom sends per customer message, then monthly, without asking WeChat in vain', async () => {
    const customer = await customerWhoWrote(WECHAT_2023_CHANNEL_ID, 1);
    const requests = Array.from({ length: 6 }, (_, i) =>
      replyRequest({ ...customer.view, text: `Reply ${i + 1}` }),
    );

    for (const { reply, cause } of requests) {
      await worker().execute(reply, cause);
    }

    expect((await sendAttempts(customer.openId)).map((call) => call.errcode)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect((await received(WECHAT_2023_CHANNEL_ID, customer.openId)).map((d) => d.source)).toEqual([
      ...Array.from({ length: 5 }, () => 'custom'),
      'mass',
    ]);

    // A new customer message opens a new window with 5 free sends again.
    const wroteAgain = new Date();
    await customerDid(WECHAT_2023_CHANNEL_ID, customer.openId, 'message', wroteAgain);
    const next = replyRequest({
      ...customer.view,
      lastCustomerMessageAt: wroteAgain.toISOString(),
    });
    await worker().execute(next.reply, next.cause);
    expect((await ledger(next.reply.replyId))[0]).toMatchObject({
      status: 'sent',
      slot_kind: 'customer-message',
    });
    expect(await counters(WECHAT_2023_CHANNEL_ID, customer.openId)).toMatchObject({
      customer_window_used: 1,
      monthly_used: 1,
    });
  });
});

describe('SendReply with files', () => {
  it('uploads an image as temporary media and sends it by media_id', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const key = `outbound/replies/${randomUUID()}`;
    await blobs.put(key, { bytes: pngBytes(), contentType: 'image/png' });
    const { reply, cause } = replyRequest({
      ...customer.view,
      type: 'image',
      text: undefined,
      attachmentBlobKey: key,
      attachmentMimeType: 'image/png',
      attachmentSize: pngBytes().length,
      attachmentFileName: 'photo.png',
    });

    await worker().execute(reply, cause);

    const uploads = await callsTo(ACCOUNT.appId, '/cgi-bin/media/upload');
    const mediaIds = uploads
      .map((call) => (call as unknown as { response?: { media_id?: string } }).response?.media_id)
      .filter((id): id is string => id !== undefined);
    const deliveries = await received(CLASSIC_CHANNEL_ID, customer.openId);
    expect(deliveries).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'image',
        payload: { media_id: expect.any(String) },
      }),
    ]);
    const sentMediaId = (deliveries[0].payload as { media_id: string }).media_id;
    if (mediaIds.length > 0) {
      expect(mediaIds).toContain(sentMediaId);
    }
    const { rows } = await observer.query<{ wechat_media_id: string }>(
      'SELECT wechat_media_id FROM outbound.reply_sends WHERE reply_id = $1',
      [reply.replyId],
    );
    expect(rows[0]?.wechat_media_id).toBe(sentMediaId);
  });

  it('sends a document as a text with its signed link', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const documentUrl = 'http://localhost:8081/files/abc?expires=1893456000&signature=00ff';
    const { reply, cause } = replyRequest({
      ...customer.view,
      type: 'document',
      text: 'Your invoice:',
      attachmentBlobKey: 'outbound/replies/doc',
      attachmentMimeType: 'application/pdf',
      attachmentSize: 1234,
      attachmentFileName: 'invoice.pdf',
      documentUrl,
    });

    await worker().execute(reply, cause);

    expect(await received(CLASSIC_CHANNEL_ID, customer.openId)).toEqual([
      expect.objectContaining({
        msgtype: 'text',
        payload: {
          content:
            'Your invoice:\n<a href="http://localhost:8081/files/abc?expires=1893456000&amp;signature=00ff">invoice.pdf</a>',
        },
      }),
    ]);
  });

  it('reports a file no longer stored as ATTACHMENT_MISSING and gives the slot back', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1);
    const { reply, cause } = replyRequest({
      ...customer.view,
      type: 'image',
      text: undefined,
      attachmentBlobKey: `outbound/replies/${randomUUID()}`,
      attachmentMimeType: 'image/png',
      attachmentSize: 10,
      attachmentFileName: 'gone.png',
    });

    await worker().execute(reply, cause);

    expect(await ledger(reply.replyId)).toEqual([
      expect.objectContaining({ status: 'failed', failure_code: 'ATTACHMENT_MISSING' }),
    ]);
    expect(await counters(CLASSIC_CHANNEL_ID, customer.openId)).toMatchObject({
      customer_window_used: 0,
    });
  });
});

/** A minimal valid PNG (1×1), so WeChat's format check passes. */
function pngBytes(): Buffer {
  return Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
}

/** The start of an MP4 (an ftyp box) and some bytes. */
function mp4Bytes(): Buffer {
  return Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypmp42', 'latin1'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('mp42isom', 'latin1'),
    Buffer.alloc(64),
  ]);
}

describe('SendTyping', () => {
  const typingCalls = (openId: string): Promise<RecordedCall[]> =>
    simItems(`/sim/typing?all=1&appId=${ACCOUNT.appId}&touser=${encodeURIComponent(openId)}`);

  function typingRequest(view: Partial<OutboundReplyRequestedV1>, requestedAt = new Date()) {
    return validateEventData(RoutingKeys.outboundTypingRequested, {
      replyId: randomUUID(),
      ticketId: randomUUID(),
      channelId: view.channelId,
      openId: view.openId,
      agentId: randomUUID(),
      command: 'Typing',
      lastCustomerMessageAt: view.lastCustomerMessageAt,
      lastInteractionAt: view.lastCustomerMessageAt,
      requestedAt: requestedAt.toISOString(),
    });
  }

  it('shows WeChat’s typing indicator within 30 s of the customer’s message', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 0);

    expect(await typing.execute(typingRequest(customer.view))).toBe(true);

    expect((await typingCalls(customer.openId)).map((call) => [call.errcode, call.json])).toEqual([
      [0, { touser: customer.openId, command: 'Typing' }],
    ]);
  });

  it('does not ask WeChat once 30 s have passed, nor for a request older than the indicator', async () => {
    const customer = await customerWhoWrote(CLASSIC_CHANNEL_ID, 1 / 60);
    const fresh = await customerWhoWrote(CLASSIC_CHANNEL_ID, 0);

    expect(await typing.execute(typingRequest(customer.view))).toBe(false);
    expect(await typing.execute(typingRequest(fresh.view, new Date(Date.now() - 16_000)))).toBe(
      false,
    );

    expect(await typingCalls(customer.openId)).toEqual([]);
    expect(await typingCalls(fresh.openId)).toEqual([]);
  });

  it('sends nothing for a disabled channel', async () => {
    const customer = await customerWhoWrote(DISABLED_CHANNEL_ID, 0);
    expect(await typing.execute(typingRequest(customer.view))).toBe(false);
  });
});
