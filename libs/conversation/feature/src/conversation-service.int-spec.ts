import { randomBytes, randomUUID } from 'node:crypto';

import { type INestApplication, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';

import { conversationMigrations } from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
} from '@wechat-desk/contracts';
import { blobStoreMigrations } from '@wechat-desk/shared/blob-store';
import { ConfigModule, loadConfig } from '@wechat-desk/shared/config';
import { connectConsumer, MessagingModule, topologyNames } from '@wechat-desk/shared/messaging';
import { ObservabilityModule, runService } from '@wechat-desk/shared/observability';
import { migrateAll, PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';
import {
  BrokerProbe,
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  TEST_RETRY_DELAYS_MS,
  waitFor,
  type TestDatabase,
} from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import { registerSimMedia } from '@wechat-desk/wechat/push-client';
import { createWechatSimulatorApp, WechatSimulatorModule } from '@wechat-desk/wechat/simulator';

import { ConversationFeatureModule } from './conversation-feature.module';

/**
 * The conversation service as apps/conversation wires it, on a real RabbitMQ namespace: it boots
 * (its handlers match its subscriptions, media requests and channel updates included), and an
 * image message published on the broker ends with its media in the blob store — the request
 * travelling through the outbox, the broker and back. A download failing every time is retried
 * by the transport and finally marked failed, never dropped.
 */

/** What apps/conversation/src/app.module.ts wires (an app cannot be imported from a lib). */
@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('conversation'),
    PersistenceModule.forService({
      schema: 'conversation',
      entities: [],
      migrations: conversationMigrations,
      applicationName: 'conversation-test',
    }),
    RedisModule,
    MessagingModule.forService({ service: 'conversation', outbox: true }),
    ConversationFeatureModule,
  ],
})
class ConversationTestModule {}

const ACCOUNT = {
  appId: 'wx0c0ffee0c0ffee01',
  appSecret: 'abcdef0123456789abcdef0123456789',
  originalId: 'gh_0c0ffee0c0ff',
};
const MAX_ATTEMPTS = 3;

let db: TestDatabase;
let namespace: string;
let redisPrefix: string;
let simulator: NestFastifyApplication;
let simUrl: string;
let app: INestApplication;
let probe: BrokerProbe;
let observer: Client;
const masterKey = randomBytes(32).toString('hex');
const channelId = randomUUID();

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot(), { logger: false });
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  simUrl = await simulator.getUrl();
  await fetch(`${simUrl}/sim/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ACCOUNT),
  });

  db = await createTestDatabase('conversation_service');
  namespace = createTestNamespace('conversation');
  redisPrefix = createTestRedisPrefix('conversation_service');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    MESSAGING_NAMESPACE: namespace,
    RABBITMQ_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
    RABBITMQ_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    MASTER_KEY: masterKey,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    WECHAT_API_BASE_URL: simUrl,
  });
  await migrateAll(db.url, [
    { schema: 'conversation', migrations: conversationMigrations },
    { schema: 'blobs', migrations: blobStoreMigrations },
  ]);
  app = await runService({
    service: 'conversation',
    module: ConversationTestModule,
    config: loadConfig(),
    port: 0,
    configure: (nestApp) => connectConsumer(nestApp),
  });
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL, `${namespace}-probe`);
  // Consuming means declared and bound: a publish before the binding would be unroutable.
  const queue = topologyNames(namespace).queue('conversation');
  await waitFor(async () => (await probe.consumerCount(queue)) > 0, {
    description: 'the conversation service to consume its queue',
  });
  observer = new Client({ connectionString: db.url });
  await observer.connect();

  const box = SecretBox.fromMasterKey(masterKey);
  await publish(
    createEnvelope(
      RoutingKeys.channelUpdated,
      validateEventData(RoutingKeys.channelUpdated, {
        channelId,
        version: 1,
        name: 'Media channel',
        departmentId: randomUUID(),
        enabled: true,
        encryptionMode: 'secure',
        replyPolicy: 'desk-classic',
        appId: ACCOUNT.appId,
        originalId: ACCOUNT.originalId,
        sealedSecrets: sealChannelSecrets(box, channelId, {
          token: 'token123',
          encodingAesKey: 'k'.repeat(43),
          previousEncodingAesKey: null,
          appSecret: ACCOUNT.appSecret,
        }),
      }),
    ),
  );
  await waitFor(
    async () =>
      (
        await observer.query('SELECT 1 FROM conversation.channels WHERE channel_id = $1', [
          channelId,
        ])
      ).rowCount === 1,
    { description: 'the channel to reach the projection', timeoutMs: 10_000 },
  );
}, 60_000);

afterAll(async () => {
  await app?.close();
  await probe?.close();
  await observer?.end().catch(() => undefined);
  await simulator?.close();
  await db?.drop();
  if (namespace !== undefined) {
    await deleteNamespace(TEST_RABBITMQ_URL, namespace, TEST_RETRY_DELAYS_MS);
  }
  if (redisPrefix !== undefined) {
    await deleteRedisPrefix(TEST_REDIS_URL, redisPrefix);
  }
});

async function publish(envelope: { id: string; type: string }): Promise<void> {
  await probe.publishRouted(
    topologyNames(namespace).exchange,
    envelope.type,
    JSON.stringify(envelope),
    {
      messageId: envelope.id,
      type: envelope.type,
    },
  );
}

let msgId = 7_250_021_412_600_900_000n;

async function pushImage(mediaId: string): Promise<string> {
  msgId += 1n;
  const message = validateEventData(RoutingKeys.wechatMessageImage, {
    channelId,
    originalId: ACCOUNT.originalId,
    openId: 'oService_user_000001',
    createTime: 1_764_200_000,
    msgId: msgId.toString(),
    msgType: 'image',
    picUrl: 'http://mmbiz.qpic.cn/x/0',
    mediaId,
  });
  await publish(createEnvelope(RoutingKeys.wechatMessageImage, message));
  return message.msgId;
}

interface AttachmentRow {
  id: string;
  status: string;
  attempts: number;
  failure_code: string | null;
}

async function attachmentOf(wechatMsgId: string): Promise<AttachmentRow | null> {
  const { rows } = await observer.query<AttachmentRow>(
    `SELECT a.id, a.status, a.attempts, a.failure_code FROM conversation.attachments a
       JOIN conversation.messages m ON m.id = a.message_id WHERE m.wechat_msg_id = $1`,
    [wechatMsgId],
  );
  return rows[0] ?? null;
}

it('an image message published on the broker ends with its media in the blob store', async () => {
  const mediaId = await registerSimMedia(simUrl, { appId: ACCOUNT.appId, type: 'image' });
  const wechatMsgId = await pushImage(mediaId);

  const stored = await waitFor(
    async () => {
      const row = await attachmentOf(wechatMsgId);
      return row?.status === 'stored' ? row : null;
    },
    { description: 'the attachment to be stored', timeoutMs: 15_000 },
  );
  const { rows } = await observer.query<{ content_type: string; size: string }>(
    'SELECT content_type, size FROM blobs.objects WHERE key = $1',
    [stored.id],
  );
  expect(rows).toEqual([{ content_type: 'image/png', size: expect.any(String) }]);
});

it('a download failing on every delivery is retried by the transport, then marked failed', async () => {
  const mediaId = await registerSimMedia(simUrl, { appId: ACCOUNT.appId, type: 'image' });
  await fetch(`${simUrl}/sim/media/${mediaId}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ failNext: 1_000, mode: 'system-busy' }),
  });
  const wechatMsgId = await pushImage(mediaId);

  const failed = await waitFor(
    async () => {
      const row = await attachmentOf(wechatMsgId);
      return row?.status === 'failed' ? row : null;
    },
    { description: 'the attachment to be marked failed', timeoutMs: 25_000 },
  );
  // Every delivery made its quick tries (3 by default).
  expect(failed).toMatchObject({
    failure_code: 'MEDIA_DOWNLOAD_FAILED',
    attempts: MAX_ATTEMPTS * 3,
  });
  // Announced through the outbox relay to the broker (desk-api's queue is bound to it).
  const announced = await waitFor(
    async () => {
      const messages = await probe.drain(topologyNames(namespace).queue('desk-api'));
      const envelopes = messages.map(
        (message) =>
          JSON.parse(message.content.toString('utf8')) as {
            type: string;
            data: Record<string, unknown>;
          },
      );
      const found = envelopes.filter(
        (envelope) =>
          envelope.type === RoutingKeys.conversationAttachmentFailed &&
          envelope.data['attachmentId'] === failed.id,
      );
      return found.length > 0 ? found : null;
    },
    { description: 'conversation.attachment.failed.v1 on the broker' },
  );
  expect(announced.map((envelope) => envelope.data)).toEqual([
    expect.objectContaining({ code: 'MEDIA_DOWNLOAD_FAILED', attempts: MAX_ATTEMPTS * 3 }),
  ]);
}, 40_000);
