import { connect } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';

import {
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  namespaceResources,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
} from './isolation';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

describe(createTestDatabase.name, () => {
  it('creates an empty database one can use, and drops it (even while in use)', async () => {
    const database = await createTestDatabase('Isolation Check');
    expect(database.name).toMatch(/^wechat_desk_test_isolation_check_[0-9a-f]{8}$/);
    expect(database.url.endsWith(`/${database.name}`)).toBe(true);
    const client = new Client({ connectionString: database.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const tables = await client.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rows[0]).toEqual({ n: 0 });
      await database.drop();
    } finally {
      await client.end().catch(() => undefined);
    }
    await expect(new Client({ connectionString: database.url }).connect()).rejects.toMatchObject({
      code: '3D000',
    }); // invalid_catalog_name: it is gone
  });
});

describe(deleteRedisPrefix.name, () => {
  const redis = new Redis(TEST_REDIS_URL);

  afterAll(() => {
    redis.disconnect();
  });

  it('deletes every key under the prefix, across SCAN pages, and nothing else', async () => {
    const prefix = createTestRedisPrefix('cleanup');
    const neighbour = `${prefix.slice(0, -1)}x:kept`;
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1_200; i += 1) {
      pipeline.set(`${prefix}key:${i}`, '1');
    }
    pipeline.set(neighbour, 'kept');
    await pipeline.exec();
    try {
      expect(await deleteRedisPrefix(TEST_REDIS_URL, prefix)).toBe(1_200);
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
      expect(await redis.get(neighbour)).toBe('kept');
    } finally {
      await redis.del(neighbour);
    }
  });

  it('takes glob characters in the prefix literally', async () => {
    const base = createTestRedisPrefix('glob');
    await redis.set(`${base}a*b:1`, '1');
    await redis.set(`${base}aXb:1`, '1');
    try {
      expect(await deleteRedisPrefix(TEST_REDIS_URL, `${base}a*b:`)).toBe(1);
      expect(await redis.get(`${base}aXb:1`)).toBe('1');
    } finally {
      await deleteRedisPrefix(TEST_REDIS_URL, base);
    }
  });

  it('refuses an empty prefix (that would be every key)', async () => {
    await expect(deleteRedisPrefix(TEST_REDIS_URL, '')).rejects.toThrow(/empty prefix/);
  });
});

describe(deleteNamespace.name, () => {
  it('deletes the exchange and every queue of the namespace, and tolerates missing ones', async () => {
    const namespace = createTestNamespace('cleanup');
    const delays = [100];
    const { exchange, queues } = namespaceResources(namespace, delays);
    const model = await connect(TEST_RABBITMQ_URL);
    model.on('error', () => undefined);
    try {
      const channel = await model.createChannel();
      await channel.assertExchange(exchange, 'topic', { durable: true });
      // Only some of them exist, as after a test that failed half-way.
      for (const queue of queues.slice(0, 3)) {
        await channel.assertQueue(queue, { durable: true });
      }
      await channel.assertQueue(`${namespace}.extra`, { durable: true });

      await deleteNamespace(TEST_RABBITMQ_URL, namespace, delays, [`${namespace}.extra`]);

      for (const name of [...queues.slice(0, 3), `${namespace}.extra`]) {
        const probe = await model.createChannel();
        probe.on('error', () => undefined);
        await expect(probe.checkQueue(name)).rejects.toThrow(/NOT_FOUND/);
      }
      const probe = await model.createChannel();
      probe.on('error', () => undefined);
      await expect(probe.checkExchange(exchange)).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await model.close().catch(() => undefined);
    }
  });
});
