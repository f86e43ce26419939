import { randomBytes } from 'node:crypto';

import { connect } from 'amqplib';
import Redis from 'ioredis';

import { declareTopology } from '@wechat-desk/shared/messaging';
import { dropDatabase, ensureDatabaseExists } from '@wechat-desk/shared/persistence';

const suffix = (): string => randomBytes(4).toString('hex');
const slug = (label: string): string => label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24);

export const TEST_RABBITMQ_URL = process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@localhost:5672';
export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://localhost:6379';
const DATABASE_BASE_URL = process.env['TEST_DATABASE_BASE_URL'] ?? 'postgres://postgres@localhost:5432';

/** Exchange and queue names of one test run; removed by deleteNamespace. */
export function createTestNamespace(label: string): string {
  return `test-${slug(label).replace(/_/g, '-')}-${suffix()}`;
}

export async function deleteNamespace(
  rabbitUrl: string,
  namespace: string,
  retryDelaysMs: readonly number[],
): Promise<void> {
  const connection = await connect(rabbitUrl);
  try {
    const topology = declareTopology(namespace, retryDelaysMs);
    for (const queue of topology.queues) {
      // A channel dies with a failed operation, so each deletion gets its own.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue.name).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteExchange(topology.exchange).catch(() => undefined);
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test run. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const url = `${DATABASE_BASE_URL}/wechat_desk_test_${slug(label)}_${suffix()}`;
  await ensureDatabaseExists(url);
  return { url, drop: () => dropDatabase(url) };
}

export function createTestRedisPrefix(label: string): string {
  return `test:${slug(label)}:${suffix()}:`;
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Environment for services started by a test: isolated names, short retry delays, JSON logs. */
export function testEnv(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    REDIS_URL: TEST_REDIS_URL,
    RABBITMQ_RETRY_DELAYS_MS: '200,500',
    ...overrides,
  };
}
