import { randomBytes, randomUUID } from 'node:crypto';

import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';

import {
  ConversationFeatureModule,
  conversationMigrations,
} from '@wechat-desk/conversation/feature';
import {
  createEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import { ConfigModule, loadConfig } from '@wechat-desk/shared/config';
import { connectConsumer, MessagingModule, topologyNames } from '@wechat-desk/shared/messaging';
import { createLogger, ObservabilityModule } from '@wechat-desk/shared/observability';
import { migrateAll, PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';
import {
  BrokerProbe,
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  seededRandom,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  TEST_RETRY_DELAYS_MS,
  waitFor,
  type TestDatabase,
} from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import { TicketingFeatureModule, ticketingMigrations } from '@wechat-desk/ticketing/feature';

import { ALL_MIGRATIONS } from '../../tools/migrate';

/**
 * Issue item 4: a burst of customer messages, published all at once in shuffled order and handled
 * by several conversation and ticketing workers (each its own Nest app with its own AMQP
 * connection and database pool, competing on the service's queue), yields exactly one ticket per
 * customer, every message recorded once and threaded in CreateTime, MsgId order.
 */

const CONVERSATION_WORKERS = 3;
const TICKETING_WORKERS = 3;
const CUSTOMERS = 30;
const MESSAGES_PER_CUSTOMER = 20;
const TOTAL = CUSTOMERS * MESSAGES_PER_CUSTOMER;
/** A second: WeChat's CreateTime has that resolution, so pairs of messages share one. */
const BASE_CREATE_TIME = Math.floor(Date.parse('2026-11-25T08:00:00Z') / 1000);

/**
 * What apps/conversation/src/app.module.ts wires (an app cannot be imported from a lib). A new
 * module per worker: forService() builds per-call providers (e.g. the metrics registry), which
 * two apps in one process must not share.
 */
function conversationWorkerModule(): Type<unknown> {
  @Module({
    imports: [
      ConfigModule,
      ObservabilityModule.forService('conversation'),
      PersistenceModule.forService({
        schema: 'conversation',
        entities: [],
        migrations: conversationMigrations,
        applicationName: 'conversation-burst-test',
      }),
      MessagingModule.forService({ service: 'conversation', outbox: true }),
      RedisModule,
      ConversationFeatureModule,
    ],
  })
  class ConversationWorkerModule {}
  return ConversationWorkerModule;
}

/** What apps/ticketing/src/app.module.ts wires. */
function ticketingWorkerModule(): Type<unknown> {
  @Module({
    imports: [
      ConfigModule,
      ObservabilityModule.forService('ticketing'),
      PersistenceModule.forService({
        schema: 'ticketing',
        entities: [],
        migrations: ticketingMigrations,
        applicationName: 'ticketing-burst-test',
      }),
      MessagingModule.forService({ service: 'ticketing', outbox: true }),
      TicketingFeatureModule,
    ],
  })
  class TicketingWorkerModule {}
  return TicketingWorkerModule;
}

interface SentMessage {
  openId: string;
  msgId: string;
  createTime: number;
}

let database: TestDatabase;
let namespace: string;
let redisPrefix: string;
let secretBox: SecretBox;
let probe: BrokerProbe;
let observer: Client;
const workers: INestApplication[] = [];

/**
 * One worker: the service's modules consuming its queue, without HTTP (not needed here). Kept
 * before it starts, so afterAll closes it even when it fails to boot halfway.
 */
async function startWorker(service: string, module: Type<unknown>): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger: createLogger(service, config),
    // A failed boot must fail the test, not exit the Jest process.
    abortOnError: false,
  });
  workers.push(app);
  connectConsumer(app);
  await app.init();
  await app.startAllMicroservices();
}

beforeAll(async () => {
  database = await createTestDatabase('burst_one_ticket');
  namespace = createTestNamespace('burst-one-ticket');
  redisPrefix = createTestRedisPrefix('burst_one_ticket');
  const masterKey = randomBytes(32).toString('hex');
  secretBox = SecretBox.fromMasterKey(masterKey);
  // Every worker reads this environment at boot; they share database, namespace and prefix as
  // the processes of one deployment do.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    MESSAGING_NAMESPACE: namespace,
    RABBITMQ_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
    MASTER_KEY: masterKey,
    LOG_LEVEL: 'error',
  });
  await migrateAll(database.url, ALL_MIGRATIONS);
  observer = new Client({ connectionString: database.url });
  await observer.connect();
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL, `${namespace}-probe`);
  for (let i = 0; i < CONVERSATION_WORKERS; i += 1) {
    await startWorker('conversation', conversationWorkerModule());
  }
  for (let i = 0; i < TICKETING_WORKERS; i += 1) {
    await startWorker('ticketing', ticketingWorkerModule());
  }
  // Consuming means declared and bound: an announcement before the bindings would be unroutable.
  const names = topologyNames(namespace);
  await waitFor(
    async () =>
      (await probe.consumerCount(names.queue('conversation'))) === CONVERSATION_WORKERS &&
      (await probe.consumerCount(names.queue('ticketing'))) === TICKETING_WORKERS,
    { description: 'every worker consumes its queue' },
  );
}, 60_000);

afterAll(async () => {
  for (const app of workers) {
    await app.close().catch(() => undefined);
  }
  await probe?.close().catch(() => undefined);
  await observer?.end().catch(() => undefined);
  await database?.drop();
  if (namespace !== undefined) {
    await deleteNamespace(TEST_RABBITMQ_URL, namespace, TEST_RETRY_DELAYS_MS);
  }
  if (redisPrefix !== undefined) {
    await deleteRedisPrefix(TEST_REDIS_URL, redisPrefix);
  }
}, 60_000);

async function publish(envelope: EventEnvelope): Promise<void> {
  await probe.publishRouted(
    topologyNames(namespace).exchange,
    envelope.type,
    JSON.stringify(envelope),
    { messageId: envelope.id, type: envelope.type },
  );
}

/** Announces the channel the way desk-api does, and waits until the consumers' projections have it. */
async function announceChannel(channelId: string): Promise<void> {
  await publish(
    createEnvelope(
      RoutingKeys.channelUpdated,
      validateEventData(RoutingKeys.channelUpdated, {
        channelId,
        version: 1,
        name: 'Burst',
        departmentId: randomUUID(),
        enabled: true,
        encryptionMode: 'secure',
        replyPolicy: 'desk-classic',
        appId: `wx${randomBytes(8).toString('hex')}`,
        originalId: `gh_${randomBytes(6).toString('hex')}`,
        sealedSecrets: sealChannelSecrets(secretBox, channelId, {
          token: 'burstToken1',
          encodingAesKey: 'b'.repeat(43),
          previousEncodingAesKey: null,
          appSecret: randomBytes(16).toString('hex'),
        }),
      }),
    ),
  );
  // Whichever services keep a channel projection (ticketing does; conversation may).
  const { rows } = await observer.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables
      WHERE table_name = 'channels' AND table_schema IN ('conversation', 'ticketing')`,
  );
  for (const { schema } of rows) {
    await waitFor(
      async () =>
        (
          await observer.query(`SELECT 1 FROM "${schema}".channels WHERE channel_id = $1`, [
            channelId,
          ])
        ).rows.length === 1,
      { description: `${schema} knows the channel`, timeoutMs: 30_000 },
    );
  }
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

async function count(sql: string, parameters: unknown[] = []): Promise<number> {
  const { rows } = await observer.query<{ n: number }>(sql, parameters);
  return rows[0]?.n ?? 0;
}

it(`${CUSTOMERS} customers × ${MESSAGES_PER_CUSTOMER} messages at once, on ${CONVERSATION_WORKERS} conversation and ${TICKETING_WORKERS} ticketing workers: one ticket each, every message once, in order`, async () => {
  const channelId = randomUUID();
  await announceChannel(channelId);

  const random = seededRandom(20_261_125);
  const sent: SentMessage[] = [];
  for (let c = 0; c < CUSTOMERS; c += 1) {
    const openId = `o${randomBytes(14).toString('hex').slice(0, 27)}`;
    for (let i = 0; i < MESSAGES_PER_CUSTOMER; i += 1) {
      sent.push({
        openId,
        // 19 digits each, so text order is numeric order; increasing in the customer's order.
        msgId: (7_250_021_412_600_000_000n + BigInt(c * 1_000 + i)).toString(),
        // Two messages per second: the MsgId decides the order within one CreateTime.
        createTime: BASE_CREATE_TIME + Math.floor(i / 2),
      });
    }
  }
  const envelopes = shuffle(sent, random).map((message) =>
    createEnvelope(
      RoutingKeys.wechatMessageText,
      validateEventData(RoutingKeys.wechatMessageText, {
        channelId,
        openId: message.openId,
        originalId: 'gh_0123456789ab',
        createTime: message.createTime,
        msgId: message.msgId,
        msgType: 'text',
        content: `message ${message.msgId}`,
      }),
    ),
  );
  await Promise.all(envelopes.map((envelope) => publish(envelope)));

  await waitFor(
    async () => (await count('SELECT count(*)::int AS n FROM ticketing.ticket_messages')) >= TOTAL,
    { description: `all ${TOTAL} messages attached to tickets`, timeoutMs: 25_000 },
  );

  // One ticket per customer, holding all of that customer's messages.
  const { rows: tickets } = await observer.query<{
    contact_id: string;
    open_id: string;
    tickets: number;
    messages: number;
  }>(
    `SELECT t.contact_id, min(t.open_id) AS open_id, count(DISTINCT t.id)::int AS tickets,
            count(tm.message_id)::int AS messages
       FROM ticketing.tickets t LEFT JOIN ticketing.ticket_messages tm ON tm.ticket_id = t.id
      GROUP BY t.contact_id`,
  );
  expect(tickets).toHaveLength(CUSTOMERS);
  expect(
    tickets.filter((row) => row.tickets !== 1 || row.messages !== MESSAGES_PER_CUSTOMER),
  ).toEqual([]);

  // conversation recorded each message exactly once (WeChat's MsgId is the key).
  expect(await count('SELECT count(*)::int AS n FROM conversation.messages')).toBe(TOTAL);
  expect(
    await count(
      'SELECT count(DISTINCT (channel_id, wechat_msg_id))::int AS n FROM conversation.messages',
    ),
  ).toBe(TOTAL);
  // The tickets hold exactly the recorded messages, under the recorded contacts.
  expect(
    await count(
      `SELECT count(*)::int AS n FROM conversation.messages m
         JOIN ticketing.ticket_messages tm ON tm.message_id = m.id
         JOIN ticketing.tickets t ON t.id = tm.ticket_id
        WHERE t.contact_id = m.contact_id`,
    ),
  ).toBe(TOTAL);

  // Each customer's thread, in (CreateTime, MsgId) order, is the order the messages were sent.
  const { rows: threads } = await observer.query<{ open_id: string; msg_ids: string[] }>(
    `SELECT c.open_id, array_agg(m.wechat_msg_id ORDER BY m.sent_at, m.wechat_msg_id) AS msg_ids
       FROM conversation.messages m JOIN conversation.contacts c ON c.id = m.contact_id
      WHERE m.channel_id = $1
      GROUP BY c.open_id`,
    [channelId],
  );
  const sentOrder = new Map<string, string[]>();
  for (const message of sent) {
    sentOrder.set(message.openId, [...(sentOrder.get(message.openId) ?? []), message.msgId]);
  }
  expect(new Map(threads.map((row) => [row.open_id, row.msg_ids]))).toEqual(sentOrder);
  expect(new Set(tickets.map((row) => row.open_id))).toEqual(new Set(sentOrder.keys()));

  // Nothing went to a dead-letter queue on the way.
  const names = topologyNames(namespace);
  for (const service of ['conversation', 'ticketing'] as const) {
    expect({ service, ...(await probe.queue(names.deadLetterQueue(service))) }).toMatchObject({
      service,
      messageCount: 0,
    });
  }
}, 90_000);
