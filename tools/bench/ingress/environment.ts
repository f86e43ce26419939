import { randomBytes, randomUUID } from 'node:crypto';

import { connect, type Channel, type ChannelModel } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';

import { sealChannelSecrets } from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { loadConfig } from '@wechat-desk/shared/config';
import {
  assertTopology,
  declareTopology,
  SERVICE_NAMES,
  SUBSCRIPTIONS,
  topologyNames,
} from '@wechat-desk/shared/messaging';
import { createServiceDataSource, dropDatabase, migrateAll } from '@wechat-desk/shared/persistence';
import { SecretBox } from '@wechat-desk/shared/util';
import { generateEncodingAesKey, generateToken } from '@wechat-desk/wechat/crypto';

import { ALL_MIGRATIONS } from '../../migrate';
import type { BenchChannel } from './pushes';

/** Where (b) publishes: its own quorum queue, bound to the bench's exchange. */
const BARE_ROUTING_KEY = 'bench.bare.push.v1';

export interface BenchEnvironment {
  suffix: string;
  databaseUrl: string;
  rabbitUrl: string;
  redisUrl: string;
  namespace: string;
  redisPrefix: string;
  masterKey: string;
  retryDelaysMs: number[];
  exchange: string;
  channel: BenchChannel;
  /** Queues the ingress's text-message events land in (the consumers' queues). */
  ingressQueues: string[];
  bare: { queue: string; routingKey: string };
}

const env = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

/**
 * Cleanups run in reverse order of registration, once, whatever happened (also on Ctrl+C).
 */
export class Cleanups {
  private readonly steps: Array<{ label: string; run: () => Promise<unknown> }> = [];
  private running: Promise<void> | null = null;

  add(label: string, run: () => Promise<unknown>): void {
    this.steps.push({ label, run });
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`cleanup (${step.label}) failed: ${String(error)}\n`);
        }
      }
    })();
    return this.running;
  }
}

/**
 * An isolated environment: its own database (every service's migrations), one secure-mode channel
 * in the ingress projection, its own RabbitMQ namespace and Redis key prefix. Everything created
 * is registered in `cleanups` before it exists, so a failure half-way still removes it.
 */
export async function createEnvironment(cleanups: Cleanups): Promise<BenchEnvironment> {
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = new URL(env('DATABASE_URL') ?? 'postgres://postgres@localhost:5432/x');
  databaseUrl.pathname = `/wechat_desk_bench_${suffix}`;
  const rabbitUrl = env('RABBITMQ_URL') ?? 'amqp://guest:guest@localhost:5672';
  const redisUrl = env('REDIS_URL') ?? 'redis://localhost:6379';
  const namespace = `bench-${suffix}`;
  const redisPrefix = `bench:${suffix}:`;
  const masterKey = randomBytes(32).toString('hex');
  // The retry queues' names depend on the delays: the ones the ingress will use.
  const { RABBITMQ_RETRY_DELAYS_MS: retryDelaysMs } = loadConfig({
    RABBITMQ_RETRY_DELAYS_MS: env('RABBITMQ_RETRY_DELAYS_MS'),
  });
  const names = topologyNames(namespace);
  const bare = { queue: `${namespace}.bench-bare`, routingKey: BARE_ROUTING_KEY };

  cleanups.add('database', () => dropDatabase(databaseUrl.toString()));
  await migrateAll(databaseUrl.toString(), ALL_MIGRATIONS);
  const channel = await storeChannel(databaseUrl.toString(), masterKey);

  cleanups.add('RabbitMQ namespace', () =>
    deleteNamespace(rabbitUrl, namespace, retryDelaysMs, [bare.queue]),
  );
  await withBroker(rabbitUrl, async (model) => {
    const amqp = await model.createChannel();
    await assertTopology(amqp, namespace, retryDelaysMs);
    // Same quorum arguments as the services' queues.
    await amqp.assertQueue(bare.queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-overflow': 'reject-publish',
      },
    });
    await amqp.bindQueue(bare.queue, names.exchange, bare.routingKey);
    await amqp.close();
  });

  cleanups.add('Redis prefix', () => deleteRedisPrefix(redisUrl, redisPrefix));

  return {
    suffix,
    databaseUrl: databaseUrl.toString(),
    rabbitUrl,
    redisUrl,
    namespace,
    redisPrefix,
    masterKey,
    retryDelaysMs,
    exchange: names.exchange,
    channel,
    ingressQueues: inboundMessageQueues(namespace),
    bare,
  };
}

/** The services' queues bound to inbound WeChat messages (routing keys `wechat.…message…`). */
function inboundMessageQueues(namespace: string): string[] {
  const names = topologyNames(namespace);
  return SERVICE_NAMES.filter((service) =>
    SUBSCRIPTIONS[service].some((key) => /^wechat\.(inbound\.)?message\b/.test(key)),
  ).map((service) => names.queue(service));
}

/** What desk-api's channel.updated.v1 would bring: stored through the projection's own API. */
async function storeChannel(databaseUrl: string, masterKey: string): Promise<BenchChannel> {
  const channel: BenchChannel = {
    channelId: randomUUID(),
    appId: `wx${randomBytes(8).toString('hex')}`,
    originalId: `gh_${randomBytes(6).toString('hex')}`,
    token: generateToken(32),
    encodingAesKey: generateEncodingAesKey(),
  };
  const dataSource = createServiceDataSource({
    databaseUrl,
    schema: 'ingress',
    entities: [],
    migrations: [],
    applicationName: 'bench-ingress',
    poolSize: 1,
  });
  await dataSource.initialize();
  try {
    const box = SecretBox.fromMasterKey(masterKey);
    await new ChannelDirectory(dataSource, 'ingress', box).apply({
      channelId: channel.channelId,
      version: 1,
      name: 'Benchmark',
      departmentId: randomUUID(),
      enabled: true,
      encryptionMode: 'secure',
      replyPolicy: 'wechat-2023',
      appId: channel.appId,
      originalId: channel.originalId,
      sealedSecrets: sealChannelSecrets(box, channel.channelId, {
        token: channel.token,
        encodingAesKey: channel.encodingAesKey,
        previousEncodingAesKey: null,
        appSecret: randomBytes(16).toString('hex'),
      }),
    });
  } finally {
    await dataSource.destroy();
  }
  return channel;
}

export async function withBroker<T>(
  rabbitUrl: string,
  work: (model: ChannelModel) => Promise<T>,
): Promise<T> {
  const model = await connect(rabbitUrl, { clientProperties: { connection_name: 'bench' } });
  model.on('error', () => undefined);
  try {
    return await work(model);
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** A failed operation closes its channel: one channel each. */
async function onOwnChannel<T>(
  model: ChannelModel,
  operation: (channel: Channel) => Promise<T>,
): Promise<T> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    return await operation(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Ready messages in each queue. */
export async function countMessages(
  rabbitUrl: string,
  queues: readonly string[],
): Promise<Record<string, number>> {
  return withBroker(rabbitUrl, async (model) => {
    const counts: Record<string, number> = {};
    for (const queue of queues) {
      counts[queue] = (await onOwnChannel(model, (ch) => ch.checkQueue(queue))).messageCount;
    }
    return counts;
  });
}

/**
 * Counts until the numbers stop changing (or reach `atLeast`): confirmed messages are in the
 * queue already, but a quorum queue's count can trail its confirms by a moment.
 */
export async function settledCounts(
  rabbitUrl: string,
  queues: readonly string[],
  atLeast: number,
  timeoutMs = 5_000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let previous = await countMessages(rabbitUrl, queues);
  while (Date.now() < deadline) {
    if (Object.values(previous).every((count) => count >= atLeast)) {
      return previous;
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 500));
    const current = await countMessages(rabbitUrl, queues);
    if (queues.every((queue) => current[queue] === previous[queue])) {
      return current;
    }
    previous = current;
  }
  return previous;
}

export async function purgeQueues(rabbitUrl: string, queues: readonly string[]): Promise<void> {
  await withBroker(rabbitUrl, async (model) => {
    for (const queue of queues) {
      await onOwnChannel(model, (ch) => ch.purgeQueue(queue));
    }
  });
}

/** Rows still waiting in the ingress's fallback spool, if this version of the ingress has one. */
export async function spooledPushes(databaseUrl: string): Promise<number | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const found = await client.query<{ table: string | null }>(
      `SELECT to_regclass('ingress.outbox')::text AS table`,
    );
    if (found.rows[0]?.table === null || found.rows[0]?.table === undefined) {
      return null;
    }
    const rows = await client.query<{ count: string }>('SELECT count(*) FROM ingress.outbox');
    return Number(rows.rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Counts the ingress's spool over one connection of its own, so a fast poll does not open one
 * each time; its backend's pid is known, to leave the counting out of PostgreSQL's CPU.
 */
export class SpoolCounter {
  private constructor(
    private readonly client: Client,
    readonly backendPid: number,
  ) {}

  static async open(databaseUrl: string): Promise<SpoolCounter> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'bench-spool' });
    // Ctrl+C drops the database under it (WITH FORCE): the next count fails, not the process.
    client.on('error', () => undefined);
    await client.connect();
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return new SpoolCounter(client, result.rows[0]?.pid ?? -1);
  }

  async count(): Promise<number> {
    const result = await this.client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM ingress.outbox',
    );
    return result.rows[0]?.count ?? 0;
  }

  /** Counts until two in a row agree: pushes in flight when the load stopped are still committing. */
  async settled(intervalMs = 500, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let previous = await this.count();
    while (Date.now() < deadline) {
      await new Promise((resolveSleep) => setTimeout(resolveSleep, intervalMs));
      const current = await this.count();
      if (current === previous) {
        return current;
      }
      previous = current;
    }
    return previous;
  }

  /** Empties the spool (what an earlier target left in it); returns how many rows it held. */
  async clear(): Promise<number> {
    const result = await this.client.query('DELETE FROM ingress.outbox');
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

export async function deleteNamespace(
  rabbitUrl: string,
  namespace: string,
  retryDelaysMs: readonly number[],
  extraQueues: readonly string[],
): Promise<void> {
  const topology = declareTopology(namespace, retryDelaysMs);
  await withBroker(rabbitUrl, async (model) => {
    for (const queue of [...topology.queues.map((q) => q.name), ...extraQueues]) {
      await onOwnChannel(model, (ch) => ch.deleteQueue(queue)).catch(() => undefined);
    }
    await onOwnChannel(model, (ch) => ch.deleteExchange(topology.exchange)).catch(() => undefined);
  });
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
