import { randomBytes, randomUUID } from 'node:crypto';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import {
  ConversationRepository,
  conversationMigrations,
} from '@wechat-desk/conversation/data-access';
import {
  type ConversationMediaRequestedV1,
  createEnvelope,
  type EventEnvelope,
  type InboundMessageRoutingKey,
  parseEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
} from '@wechat-desk/contracts';
import { blobStoreMigrations, PostgresBlobStore } from '@wechat-desk/shared/blob-store';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { NonRetryableError } from '@wechat-desk/shared/messaging';
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

import { RecordInboundMessage } from '../record-inbound-message/record-inbound-message';
import {
  ChannelNotYetKnownError,
  DownloadMedia,
  MediaDownloadDeferredError,
  type DownloadMediaSettings,
} from './download-media';

/**
 * The media download with everything real but WeChat: PostgreSQL (attachments, outbox, channel
 * projection, blob store), Redis (the shared access token) and the WeChat simulator over HTTP,
 * its faults injected per media id. Messages are recorded by RecordInboundMessage, and the
 * download requests it put in the outbox are handed to DownloadMedia as the transport would,
 * attempt by attempt.
 */

const ACCOUNT = {
  appId: 'wx0d0a1b2c3d4e5f01',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0d0a1b2c3d4e',
};
const UNKNOWN_CHANNEL_ID = randomUUID();
const SETTINGS: DownloadMediaSettings = {
  quickTries: 3,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxAttempts: 3,
  timeoutMs: 400,
  maxBytes: 1024 * 1024,
};
const BASE_TIME = 1_764_100_000;

let db: TestDatabase;
let dataSource: DataSource;
let observer: Client;
let redis: Redis;
let redisPrefix: string;
let simulator: NestFastifyApplication;
let simUrl: string;
let channels: ChannelDirectory;
let blobs: PostgresBlobStore;
let repository: ConversationRepository;
let wechat: WechatApiClient;
let recordMessage: RecordInboundMessage;
let downloadMedia: DownloadMedia;
const box = SecretBox.forDevelopment();
let channelId: string;
let disabledChannelId: string;

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot(), { logger: false });
  await simulator.listen({ port: 0, host: '127.0.0.1' });
  simUrl = await simulator.getUrl();
  const created = await fetch(`${simUrl}/sim/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ACCOUNT),
  });
  expect(created.status).toBe(201);

  db = await createTestDatabase('conversation_media');
  await migrateAll(db.url, [
    { schema: 'conversation', migrations: conversationMigrations },
    { schema: 'blobs', migrations: blobStoreMigrations },
  ]);
  dataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: 'conversation',
    entities: [],
    migrations: [],
    applicationName: 'conversation-media-int-spec',
    poolSize: 10,
  }).initialize();
  observer = new Client({ connectionString: db.url });
  await observer.connect();
  redisPrefix = createTestRedisPrefix('conversation_media');
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: redisPrefix, maxRetriesPerRequest: 2 });

  channels = new ChannelDirectory(dataSource, 'conversation', box);
  channelId = randomUUID();
  disabledChannelId = randomUUID();
  await applyChannel(channelId, true);
  await applyChannel(disabledChannelId, false);
  blobs = new PostgresBlobStore(dataSource);
  repository = new ConversationRepository(dataSource);
  wechat = new WechatApiClient(simUrl, redis, 5_000);
  recordMessage = new RecordInboundMessage(repository);
  downloadMedia = downloaderWith(SETTINGS);
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

function downloaderWith(settings: DownloadMediaSettings): DownloadMedia {
  return new DownloadMedia(repository, channels, wechat, blobs, settings, null);
}

async function applyChannel(id: string, enabled: boolean): Promise<void> {
  await channels.apply(
    validateEventData(RoutingKeys.channelUpdated, {
      channelId: id,
      version: 1,
      name: `Channel ${enabled ? 'on' : 'off'}`,
      departmentId: randomUUID(),
      enabled,
      encryptionMode: 'secure',
      replyPolicy: 'desk-classic',
      appId: ACCOUNT.appId,
      originalId: ACCOUNT.originalId,
      sealedSecrets: sealChannelSecrets(box, id, {
        token: 'token123',
        encodingAesKey: 'k'.repeat(43),
        previousEncodingAesKey: null,
        appSecret: ACCOUNT.appSecret,
      }),
    }),
  );
}

/** Registers media a customer "sent" in the simulator. */
async function simMedia(
  type: 'image' | 'voice' | 'video' | 'thumb',
  contentType: string,
  bytes: Buffer,
): Promise<string> {
  const response = await fetch(`${simUrl}/sim/media`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      appId: ACCOUNT.appId,
      type,
      contentType,
      base64: bytes.toString('base64'),
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { mediaId: string }).mediaId;
}

async function fault(
  mediaId: string,
  body: { failNext: number; mode: string; delayMs?: number },
): Promise<void> {
  const response = await fetch(`${simUrl}/sim/media/${mediaId}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

async function mediaCalls(mediaId: string): Promise<RecordedCall[]> {
  const response = await fetch(`${simUrl}/sim/calls?path=/cgi-bin/media/get`);
  const { items } = (await response.json()) as { items: RecordedCall[] };
  return items.filter((call) => call.query['media_id'] === mediaId);
}

let nextMsgId = 7_250_021_412_600_500_000n;

/** Records a media message like the consumer does; returns the download requests it enqueued. */
async function receive(
  key: InboundMessageRoutingKey,
  fields: Record<string, unknown>,
  onChannel = channelId,
): Promise<Array<EventEnvelope<ConversationMediaRequestedV1>>> {
  nextMsgId += 1n;
  const message = validateEventData(key, {
    channelId: onChannel,
    originalId: ACCOUNT.originalId,
    openId: `oMedia_${randomBytes(6).toString('hex')}`,
    createTime: BASE_TIME,
    msgId: nextMsgId.toString(),
    ...fields,
  });
  await recordMessage.execute(message, createEnvelope(key, message));
  const { rows } = await observer.query<{ envelope: EventEnvelope<ConversationMediaRequestedV1> }>(
    `SELECT o.envelope FROM conversation.outbox o
       JOIN conversation.messages m ON m.id = (o.envelope->'data'->>'messageId')::uuid
      WHERE o.routing_key = $1 AND m.wechat_msg_id = $2 ORDER BY o.position`,
    [RoutingKeys.conversationMediaRequested, message.msgId],
  );
  // As the consumer sees them: validated against the contract.
  return rows.map(
    ({ envelope }) => parseEnvelope(envelope) as EventEnvelope<ConversationMediaRequestedV1>,
  );
}

function deliver(
  request: EventEnvelope<ConversationMediaRequestedV1>,
  attempt = 1,
  downloader = downloadMedia,
): Promise<void> {
  return downloader.execute(request.data, { attempt, cause: request });
}

interface AttachmentRow {
  status: string;
  mime_type: string | null;
  size: string | null;
  attempts: number;
  failure_code: string | null;
  failure_message: string | null;
  stored_at: Date | null;
}

async function attachment(id: string): Promise<AttachmentRow> {
  const { rows } = await observer.query<AttachmentRow>(
    `SELECT status, mime_type, size, attempts, failure_code, failure_message, stored_at
       FROM conversation.attachments WHERE id = $1`,
    [id],
  );
  return rows[0];
}

async function outcomeEvents(
  attachmentId: string,
): Promise<EventEnvelope<Record<string, unknown>>[]> {
  const { rows } = await observer.query<{ envelope: EventEnvelope<Record<string, unknown>> }>(
    `SELECT envelope FROM conversation.outbox
      WHERE routing_key IN ($1, $2) AND envelope->'data'->>'attachmentId' = $3 ORDER BY position`,
    [
      RoutingKeys.conversationAttachmentStored,
      RoutingKeys.conversationAttachmentFailed,
      attachmentId,
    ],
  );
  for (const { envelope } of rows) {
    expect(() => parseEnvelope(envelope)).not.toThrow();
  }
  return rows.map((row) => row.envelope);
}

describe('DownloadMedia', () => {
  it('stores an image byte for byte under the attachment id and announces it once; a redelivery does nothing', async () => {
    const bytes = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'binary'), randomBytes(200_000)]);
    const mediaId = await simMedia('image', 'image/png', bytes);
    const [request] = await receive(RoutingKeys.wechatMessageImage, {
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId,
    });

    await deliver(request);
    await deliver(request); // redelivered
    await Promise.all([deliver(request), deliver(request, 2)]);

    const stored = await blobs.get(request.data.attachmentId);
    expect(stored?.bytes.equals(bytes)).toBe(true);
    expect(stored?.contentType).toBe('image/png');
    expect(await attachment(request.data.attachmentId)).toMatchObject({
      status: 'stored',
      mime_type: 'image/png',
      size: String(bytes.length),
      attempts: 1,
      failure_code: null,
    });
    const events = await outcomeEvents(request.data.attachmentId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: RoutingKeys.conversationAttachmentStored,
      correlationId: request.correlationId,
      causationId: request.id,
      data: {
        attachmentId: request.data.attachmentId,
        messageId: request.data.messageId,
        channelId,
        role: 'media',
        mimeType: 'image/png',
        size: bytes.length,
      },
    });
    expect(await mediaCalls(mediaId)).toHaveLength(1);
  });

  it('fetches a video through its video_url, and its thumbnail', async () => {
    const video = randomBytes(300_000);
    const thumb = randomBytes(2_000);
    const mediaId = await simMedia('video', 'video/mp4', video);
    const thumbMediaId = await simMedia('thumb', 'image/jpeg', thumb);
    const requests = await receive(RoutingKeys.wechatMessageShortVideo, {
      msgType: 'shortvideo',
      mediaId,
      thumbMediaId,
    });
    expect(requests.map((r) => [r.data.role, r.data.messageType])).toEqual([
      ['media', 'shortvideo'],
      ['thumbnail', 'shortvideo'],
    ]);

    await Promise.all(requests.map((request) => deliver(request)));

    const [media, thumbnail] = requests;
    expect((await blobs.get(media.data.attachmentId))?.bytes.equals(video)).toBe(true);
    expect((await blobs.get(media.data.attachmentId))?.contentType).toBe('video/mp4');
    expect((await blobs.get(thumbnail.data.attachmentId))?.bytes.equals(thumb)).toBe(true);
    expect(await attachment(thumbnail.data.attachmentId)).toMatchObject({
      status: 'stored',
      mime_type: 'image/jpeg',
    });
    expect((await outcomeEvents(media.data.attachmentId))[0]?.data).toMatchObject({
      role: 'media',
      mimeType: 'video/mp4',
      size: video.length,
    });
  });

  it('expired media (40007 as JSON with HTTP 200): failed at once as MEDIA_EXPIRED, announced', async () => {
    const [request] = await receive(RoutingKeys.wechatMessageVoice, {
      msgType: 'voice',
      mediaId: 'GONE_after_three_days',
      format: 'amr',
    });

    await deliver(request);
    await deliver(request, 2); // a redelivery changes nothing

    expect(await attachment(request.data.attachmentId)).toMatchObject({
      status: 'failed',
      failure_code: 'MEDIA_EXPIRED',
      attempts: 1,
      stored_at: null,
    });
    const events = await outcomeEvents(request.data.attachmentId);
    expect(events.map((e) => e.type)).toEqual([RoutingKeys.conversationAttachmentFailed]);
    expect(events[0]?.data).toMatchObject({
      role: 'media',
      code: 'MEDIA_EXPIRED',
      attempts: 1,
      message: expect.stringContaining('40007'),
    });
    expect(await blobs.get(request.data.attachmentId)).toBeNull();
    // Permanent: no quick retries.
    expect(await mediaCalls('GONE_after_three_days')).toHaveLength(1);
  });

  it.each([
    ['system-busy', {}],
    ['http-500', {}],
    ['timeout', { delayMs: 1_000 }],
  ])(
    'transient failures (2 × %s) are retried within the delivery, then stored',
    async (mode, extra) => {
      const bytes = randomBytes(5_000);
      const mediaId = await simMedia('voice', 'audio/amr', bytes);
      await fault(mediaId, { failNext: 2, mode, ...extra });
      const [request] = await receive(RoutingKeys.wechatMessageVoice, {
        msgType: 'voice',
        mediaId,
        format: 'amr',
      });

      await deliver(request);

      expect(await attachment(request.data.attachmentId)).toMatchObject({
        status: 'stored',
        mime_type: 'audio/amr',
        // WeChat's "system busy" (-1) is retried by the API client itself, inside one attempt.
        attempts: mode === 'system-busy' ? 1 : 3,
      });
      expect((await blobs.get(request.data.attachmentId))?.bytes.equals(bytes)).toBe(true);
      expect((await mediaCalls(mediaId)).map((call) => call.fault ?? 'ok')).toEqual([
        mode,
        mode,
        'ok',
      ]);
    },
  );

  it('failing on every attempt: handed back to the transport until the last attempt, then failed with the tries counted', async () => {
    const mediaId = await simMedia('image', 'image/jpeg', randomBytes(1_000));
    await fault(mediaId, { failNext: 100, mode: 'http-500' });
    const [request] = await receive(RoutingKeys.wechatMessageImage, {
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId,
    });

    for (let attempt = 1; attempt < SETTINGS.maxAttempts; attempt += 1) {
      await expect(deliver(request, attempt)).rejects.toBeInstanceOf(MediaDownloadDeferredError);
      expect(await attachment(request.data.attachmentId)).toMatchObject({
        status: 'pending',
        attempts: attempt * SETTINGS.quickTries,
        failure_message: 'WeChat answered HTTP 500',
      });
      expect(await outcomeEvents(request.data.attachmentId)).toEqual([]);
    }
    await deliver(request, SETTINGS.maxAttempts); // the last one gives up instead of throwing

    const tries = SETTINGS.maxAttempts * SETTINGS.quickTries;
    expect(await attachment(request.data.attachmentId)).toMatchObject({
      status: 'failed',
      failure_code: 'MEDIA_DOWNLOAD_FAILED',
      attempts: tries,
    });
    const [failed] = await outcomeEvents(request.data.attachmentId);
    expect(failed?.data).toMatchObject({
      code: 'MEDIA_DOWNLOAD_FAILED',
      attempts: tries,
      message: `The media could not be downloaded from WeChat after ${tries} tries: WeChat answered HTTP 500`,
    });
    expect(await mediaCalls(mediaId)).toHaveLength(tries);
  });

  it('refuses media above the size cap as MEDIA_TOO_LARGE, storing nothing', async () => {
    const mediaId = await simMedia('image', 'image/gif', randomBytes(8_192));
    const [request] = await receive(RoutingKeys.wechatMessageImage, {
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId,
    });

    await deliver(request, 1, downloaderWith({ ...SETTINGS, maxBytes: 4_096 }));

    expect(await attachment(request.data.attachmentId)).toMatchObject({
      status: 'failed',
      failure_code: 'MEDIA_TOO_LARGE',
    });
    expect(await blobs.get(request.data.attachmentId)).toBeNull();
  });

  it('an unknown channel is retried by the transport (nothing changes); a disabled channel still downloads', async () => {
    const bytes = randomBytes(1_000);
    const mediaId = await simMedia('image', 'image/jpeg', bytes);
    const fields = { msgType: 'image', picUrl: 'http://mmbiz.qpic.cn/x/0', mediaId };
    const [unknown] = await receive(RoutingKeys.wechatMessageImage, fields, UNKNOWN_CHANNEL_ID);
    const [disabled] = await receive(RoutingKeys.wechatMessageImage, fields, disabledChannelId);

    await expect(deliver(unknown, SETTINGS.maxAttempts)).rejects.toBeInstanceOf(
      ChannelNotYetKnownError,
    );
    expect(await attachment(unknown.data.attachmentId)).toMatchObject({
      status: 'pending',
      attempts: 0,
    });

    await deliver(disabled);
    expect(await attachment(disabled.data.attachmentId)).toMatchObject({ status: 'stored' });
  });

  it('after WeChat expired the access token, the download refreshes it and succeeds', async () => {
    const bytes = randomBytes(1_000);
    const mediaId = await simMedia('image', 'image/jpeg', bytes);
    const [request] = await receive(RoutingKeys.wechatMessageImage, {
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId,
    });
    await wechat.getAccessToken(ACCOUNT);
    await fetch(`${simUrl}/sim/accounts/${ACCOUNT.appId}/expire-tokens`, { method: 'POST' });

    await deliver(request);

    expect(await attachment(request.data.attachmentId)).toMatchObject({
      status: 'stored',
      attempts: 1,
    });
    expect((await mediaCalls(mediaId)).map((call) => call.errcode)).toEqual([42001, 0]);
  });

  it('a request for an attachment that does not exist goes to the dead letters', async () => {
    const [request] = await receive(RoutingKeys.wechatMessageImage, {
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId: 'whatever',
    });
    await expect(
      deliver({ ...request, data: { ...request.data, attachmentId: randomUUID() } }),
    ).rejects.toBeInstanceOf(NonRetryableError);
  });
});
