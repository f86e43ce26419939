import { randomUUID } from 'node:crypto';

import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import {
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
  type ChannelSecrets,
  type ChannelUpdatedV1,
} from '@wechat-desk/contracts';
import { AppConfig, loadConfig } from '@wechat-desk/shared/config';
import { createServiceDataSource, SERVICE_SCHEMA } from '@wechat-desk/shared/persistence';
import { createTestDatabase, waitFor, type TestDatabase } from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';

import { CachedChannelDirectory } from './cached-channel-directory';
import {
  ChannelDirectory,
  channelDirectoryTableSql,
  type ChannelRecord,
} from './channel-directory';
import { ChannelDirectoryModule } from './channel-directory.module';

/**
 * The channel projection every consuming service keeps, on a real PostgreSQL database: versioned
 * upserts, and the ingress's in-memory cache kept current by LISTEN/NOTIFY.
 */

const SCHEMA = 'ingress';
const box = SecretBox.forDevelopment();

let db: TestDatabase;
let observer: Client;
/** "Another process" applying channel events (the projection's writer). */
let writerDataSource: DataSource;
let writer: ChannelDirectory;

beforeAll(async () => {
  db = await createTestDatabase('channel_directory');
  observer = new Client({ connectionString: db.url });
  await observer.connect();
  await observer.query(`CREATE SCHEMA ${SCHEMA}`);
  await observer.query(channelDirectoryTableSql(SCHEMA));
  writerDataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: SCHEMA,
    entities: [],
    migrations: [],
    applicationName: 'channel-writer',
    poolSize: 10,
  }).initialize();
  writer = new ChannelDirectory(writerDataSource, SCHEMA, box);
});

afterAll(async () => {
  await observer?.end().catch(() => undefined);
  if (writerDataSource?.isInitialized) {
    await writerDataSource.destroy();
  }
  await db?.drop();
});

function secretsFor(version: number): ChannelSecrets {
  return {
    token: `token${version}`,
    encodingAesKey: String(version % 10).repeat(43),
    previousEncodingAesKey: version > 1 ? String((version - 1) % 10).repeat(43) : null,
    appSecret: `${version}`.padStart(32, 'a'),
  };
}

/** channel.updated.v1 for `version`; every field depends on the version, so any mix-up shows. */
function channelUpdated(channelId: string, version: number): ChannelUpdatedV1 {
  return validateEventData(RoutingKeys.channelUpdated, {
    channelId,
    version,
    name: `Channel v${version}`,
    departmentId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    enabled: version % 2 === 1,
    encryptionMode: (['secure', 'compatible', 'plaintext'] as const)[version % 3],
    replyPolicy: version % 2 === 0 ? 'wechat-2023' : 'desk-classic',
    appId: `wx${String(version).padStart(16, '0')}`,
    originalId: `gh_${String(version).padStart(12, '0')}`,
    sealedSecrets: sealChannelSecrets(box, channelId, secretsFor(version)),
  });
}

/** What find() must answer after `version` was applied. */
function recordOf(channelId: string, version: number): ChannelRecord {
  const event = channelUpdated(channelId, version);
  return {
    channelId,
    version,
    departmentId: event.departmentId,
    enabled: event.enabled,
    encryptionMode: event.encryptionMode,
    replyPolicy: event.replyPolicy,
    appId: event.appId,
    originalId: event.originalId,
    secrets: secretsFor(version),
  };
}

async function rowOf(
  channelId: string,
): Promise<Array<{ version: number; sealed_secrets: string; updated_at: Date }>> {
  const { rows } = await observer.query<{
    version: number;
    sealed_secrets: string;
    updated_at: Date;
  }>(`SELECT version, sealed_secrets, updated_at FROM ${SCHEMA}.channels WHERE channel_id = $1`, [
    channelId,
  ]);
  return rows;
}

describe('ChannelDirectory.apply', () => {
  it('is idempotent: the same event applied again writes nothing', async () => {
    const channelId = randomUUID();
    const event = channelUpdated(channelId, 1);

    await writer.apply(event);
    const [first] = await rowOf(channelId);
    await writer.apply(event);
    await Promise.all([writer.apply(event), writer.apply(event), writer.apply(event)]);

    expect(await rowOf(channelId)).toEqual([first]); // same sealed secrets, same updated_at
    expect(await writer.find(channelId)).toEqual(recordOf(channelId, 1));
  });

  it('ignores an older version, and an equal version carrying other content', async () => {
    const channelId = randomUUID();
    await writer.apply(channelUpdated(channelId, 3));
    const [atV3] = await rowOf(channelId);

    await writer.apply(channelUpdated(channelId, 2));
    await writer.apply(channelUpdated(channelId, 1));
    await writer.apply({ ...channelUpdated(channelId, 4), version: 3 });

    expect(await rowOf(channelId)).toEqual([atV3]);
    expect(await writer.find(channelId)).toEqual(recordOf(channelId, 3));

    await writer.apply(channelUpdated(channelId, 4));
    expect(await writer.find(channelId)).toEqual(recordOf(channelId, 4));
  });

  it('ends on the newest version whatever the order of concurrent deliveries', async () => {
    const channelId = randomUUID();
    const versions = [7, 2, 10, 1, 5, 9, 3, 8, 4, 6, 10, 1];

    await Promise.all(versions.map((version) => writer.apply(channelUpdated(channelId, version))));

    expect(await writer.find(channelId)).toEqual(recordOf(channelId, 10));
    expect(await writer.all()).toContainEqual(recordOf(channelId, 10));
  });

  it('find answers null for a channel it never saw', async () => {
    expect(await writer.find(randomUUID())).toBeNull();
  });
});

describe('CachedChannelDirectory (ingress hot path)', () => {
  let app: INestApplicationContext;
  let closed = false;
  let cacheDataSource: DataSource;
  let cache: CachedChannelDirectory;
  let allSpy: jest.SpyInstance<Promise<ChannelRecord[]>, []>;
  let findSpy: jest.SpyInstance<Promise<ChannelRecord | null>, [string]>;
  const known = randomUUID();

  /** What the ingress app wires around the directory: config, its DataSource, schema, key. */
  function infrastructure(config: AppConfig, dataSource: DataSource): DynamicModule {
    @Module({})
    class TestInfrastructure {}
    const providers = [
      { provide: AppConfig, useValue: config },
      { provide: DataSource, useValue: dataSource },
      { provide: SERVICE_SCHEMA, useValue: SCHEMA },
      { provide: SecretBox, useValue: box },
    ];
    return {
      module: TestInfrastructure,
      global: true,
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  async function listenerBackends(): Promise<number[]> {
    const { rows } = await observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1`,
      [`${SCHEMA}-channel-cache`],
    );
    return rows.map((row) => row.pid);
  }

  beforeAll(async () => {
    await writer.apply(channelUpdated(known, 1));
    allSpy = jest.spyOn(ChannelDirectory.prototype, 'all');
    findSpy = jest.spyOn(ChannelDirectory.prototype, 'find');
    cacheDataSource = await createServiceDataSource({
      databaseUrl: db.url,
      schema: SCHEMA,
      entities: [],
      migrations: [],
      applicationName: 'channel-cache-reader',
      poolSize: 2,
    }).initialize();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url });

    @Module({
      imports: [
        infrastructure(config, cacheDataSource),
        ChannelDirectoryModule.register({ cached: true }),
      ],
    })
    class IngressLike {}

    app = await NestFactory.createApplicationContext(IngressLike, { logger: false });
    cache = app.get(CachedChannelDirectory);
    // Loaded at start, then once more when the listener is attached: from then on, NOTIFY only.
    await waitFor(() => allSpy.mock.calls.length >= 2, {
      description: 'the cache listener to be attached',
      timeoutMs: 5_000,
    });
    await Promise.all(allSpy.mock.results.map((result) => result.value as Promise<unknown>));
  });

  afterAll(async () => {
    if (!closed) {
      await app?.close();
    }
    allSpy?.mockRestore();
    findSpy?.mockRestore();
    if (cacheDataSource?.isInitialized) {
      await cacheDataSource.destroy();
    }
  });

  /** Applies through the other process and measures until the cache answers `expected`. */
  async function appliedAndSeen(
    event: ChannelUpdatedV1,
    expected: (record: ChannelRecord | undefined) => boolean,
    timeoutMs = 1_000,
  ): Promise<number> {
    const allCallsBefore = allSpy.mock.calls.length;
    await writer.apply(event);
    const applied = Date.now();
    await waitFor(() => expected(cache.get(event.channelId)), {
      description: `the cache to reflect channel ${event.channelId} v${event.version}`,
      timeoutMs,
      intervalMs: 5,
    });
    expect(allSpy.mock.calls.length).toBe(allCallsBefore); // no full reload involved
    return Date.now() - applied;
  }

  it('serves what was in the projection at start', () => {
    expect(cache.get(known)).toEqual(recordOf(known, 1));
    expect(cache.get(randomUUID())).toBeUndefined();
  });

  it('sees an applied change within 1 s through NOTIFY, without reloading everything', async () => {
    const findCallsBefore = findSpy.mock.calls.length;

    const elapsed = await appliedAndSeen(
      channelUpdated(known, 2),
      (record) => record?.version === 2,
    );

    expect(elapsed).toBeLessThan(1_000);
    expect(cache.get(known)).toEqual(recordOf(known, 2));
    // The cache read just that channel, by id.
    expect(findSpy.mock.calls.slice(findCallsBefore)).toContainEqual([known]);
  });

  it('sees a new channel within 1 s, and keeps the newer state when an older version arrives', async () => {
    const added = randomUUID();
    await appliedAndSeen(channelUpdated(added, 5), (record) => record?.version === 5);
    expect(cache.get(added)).toEqual(recordOf(added, 5));

    const findCallsBefore = findSpy.mock.calls.length;
    await writer.apply(channelUpdated(added, 4));
    // The stale event still notifies; wait until the cache has re-read the channel, then check.
    await waitFor(() => findSpy.mock.calls.length > findCallsBefore, {
      description: 'the cache to re-read the channel after the stale event',
      timeoutMs: 1_000,
      intervalMs: 5,
    });
    await Promise.all(
      findSpy.mock.results.slice(findCallsBefore).map((r) => r.value as Promise<unknown>),
    );
    expect(cache.get(added)).toEqual(recordOf(added, 5));
  });

  it('after losing its listener connection it reconnects and picks up what changed meanwhile', async () => {
    const [listener] = await listenerBackends();
    expect(listener).toEqual(expect.any(Number));
    const allCallsBefore = allSpy.mock.calls.length;

    await observer.query('SELECT pg_terminate_backend($1)', [listener]);
    await writer.apply(channelUpdated(known, 3)); // nobody listens right now

    await waitFor(() => cache.get(known)?.version === 3, {
      description: 'the cache to catch up after reconnecting',
      timeoutMs: 5_000,
    });
    expect(allSpy.mock.calls.length).toBeGreaterThan(allCallsBefore);
    const [reconnected] = await waitFor(
      async () => {
        const pids = await listenerBackends();
        return pids.length === 1 && pids[0] !== listener ? pids : null;
      },
      { description: 'a new listener backend', timeoutMs: 5_000 },
    );
    expect(reconnected).not.toBe(listener);
    await Promise.all(allSpy.mock.results.map((result) => result.value as Promise<unknown>));

    // And it listens again.
    await appliedAndSeen(channelUpdated(known, 4), (record) => record?.version === 4);
  });

  it('closes its listener connection on shutdown', async () => {
    expect(await listenerBackends()).toHaveLength(1);
    closed = true;
    await app.close();
    await waitFor(async () => (await listenerBackends()).length === 0, {
      description: 'the listener connection to close',
      timeoutMs: 3_000,
    });
  });
});
