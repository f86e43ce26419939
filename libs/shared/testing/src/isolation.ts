import { randomBytes } from 'node:crypto';

import { connect, type Channel, type ChannelModel } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';

// No import from the workspace's libraries on purpose: messaging's and persistence's own tests
// use this library, so depending on them would make a project cycle (Nx refuses it).

const suffix = (): string => randomBytes(4).toString('hex');

/** Lowercase letters and digits of a label, joined by `_`, short enough for a database name. */
const slug = (label: string): string =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24) || 'x';

const env = (name: string): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

/** The broker tests use: TEST_RABBITMQ_URL, else RABBITMQ_URL, else the local default. */
export const TEST_RABBITMQ_URL =
  env('TEST_RABBITMQ_URL') ?? env('RABBITMQ_URL') ?? 'amqp://guest:guest@localhost:5672';

/** The Redis tests use: TEST_REDIS_URL, else REDIS_URL, else the local default. */
export const TEST_REDIS_URL = env('TEST_REDIS_URL') ?? env('REDIS_URL') ?? 'redis://localhost:6379';

/** Server URL (no database) under which test databases are created. */
export const TEST_DATABASE_BASE_URL = (
  env('TEST_DATABASE_BASE_URL') ?? 'postgres://postgres@localhost:5432'
).replace(/\/+$/, '');

/** Retry delays for services started by tests: short, so a retry costs a fraction of a second. */
export const TEST_RETRY_DELAYS_MS: readonly number[] = [200, 500];

/**
 * A unique, valid MESSAGING_NAMESPACE (`test-<label>-<random>`): exchange and queue names of one
 * test run, removed by deleteNamespace.
 */
export function createTestNamespace(label: string): string {
  return `test-${slug(label).replace(/_/g, '-')}-${suffix()}`;
}

/** The services of the system, as @wechat-desk/shared/messaging's SERVICE_NAMES lists them. */
const SERVICES = ['ingress', 'conversation', 'ticketing', 'outbound', 'desk-api'] as const;

/**
 * The exchange and queues declareTopology(namespace, retryDelaysMs) of @wechat-desk/shared/messaging
 * declares (main, dead-letter and retry queue of each service), by the same naming rules; a unit
 * test in messaging keeps the two equal.
 */
export function namespaceResources(
  namespace: string,
  retryDelaysMs: readonly number[],
): { exchange: string; queues: string[] } {
  return {
    exchange: `${namespace}.events`,
    queues: SERVICES.flatMap((service) => [
      `${namespace}.${service}`,
      `${namespace}.${service}.dead-letter`,
      ...[...new Set(retryDelaysMs)].map((delayMs) => `${namespace}.${service}.retry.${delayMs}ms`),
    ]),
  };
}

/**
 * Deletes the exchange and every queue that declareTopology(namespace, retryDelaysMs) lists, plus
 * any extra queues a test declared. Missing ones are fine: it runs in afterAll, whatever happened.
 */
export async function deleteNamespace(
  rabbitUrl: string,
  namespace: string,
  retryDelaysMs: readonly number[],
  extraQueues: readonly string[] = [],
): Promise<void> {
  const { exchange, queues } = namespaceResources(namespace, retryDelaysMs);
  const model = await connect(rabbitUrl);
  model.on('error', () => undefined);
  try {
    for (const queue of [...queues, ...extraQueues]) {
      await withOwnChannel(model, (channel) => channel.deleteQueue(queue));
    }
    await withOwnChannel(model, (channel) => channel.deleteExchange(exchange));
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** A failed operation closes its channel (and, without a listener, the connection): one each. */
async function withOwnChannel(
  model: ChannelModel,
  operation: (channel: Channel) => Promise<unknown>,
): Promise<void> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  try {
    await operation(channel);
  } catch {
    // Not found, or already gone: nothing to clean.
  } finally {
    await channel.close().catch(() => undefined);
  }
}

export interface TestDatabase {
  /** postgres:// URL of the new database. */
  url: string;
  name: string;
  /** Drops the database, disconnecting whatever still uses it. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database `wechat_desk_test_<label>_<random>` for one test run (what
 * ensureDatabaseExists / dropDatabase of @wechat-desk/shared/persistence do, for a new name).
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `wechat_desk_test_${slug(label)}_${suffix()}`;
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: `${TEST_DATABASE_BASE_URL}/${name}`,
    name,
    drop: async () => {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Runs statements on the server's `postgres` database (CREATE/DROP DATABASE cannot run in the target). */
async function onServer(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: `${TEST_DATABASE_BASE_URL}/postgres` });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A unique REDIS_KEY_PREFIX (`test:<label>:<random>:`), removed by deleteRedisPrefix. */
export function createTestRedisPrefix(label: string): string {
  return `test:${slug(label)}:${suffix()}:`;
}

/** Deletes every key under the prefix (SCAN, so it never blocks the server). Returns how many. */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (prefix === '') {
    throw new Error('deleteRedisPrefix: refusing to delete every key (empty prefix)');
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    await redis.connect();
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        deleted += await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Environment for services a test spawns: only PATH and HOME from this process (nothing leaks
 * in), local infrastructure, short retry delays, JSON logs; `overrides` win (DATABASE_URL,
 * MESSAGING_NAMESPACE, REDIS_KEY_PREFIX, ports…).
 */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'log',
    DATABASE_URL: `${TEST_DATABASE_BASE_URL}/wechat_desk_test`,
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    REDIS_URL: TEST_REDIS_URL,
    RABBITMQ_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
    ...overrides,
  };
  // An undefined override removes the variable instead of passing the text "undefined".
  for (const [key, value] of Object.entries(environment)) {
    if (value === undefined) {
      delete environment[key];
    }
  }
  return environment;
}
