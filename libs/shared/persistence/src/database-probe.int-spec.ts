import type { DataSource } from 'typeorm';

import { createTestDatabase, waitFor, type TestDatabase } from '@wechat-desk/shared/testing';
import { withTimeout } from '@wechat-desk/shared/util';

import { createServiceDataSource } from './data-source';
import { DatabaseProbe } from './database-probe';

jest.setTimeout(30_000);

let database: TestDatabase;
let dataSource: DataSource;
let probe: DatabaseProbe;

beforeAll(async () => {
  database = await createTestDatabase('probe');
  dataSource = await createServiceDataSource({
    databaseUrl: database.url,
    schema: 'conversation',
    entities: [],
    migrations: [],
    applicationName: 'probe-int-spec',
    poolSize: 2,
  }).initialize();
  probe = new DatabaseProbe(database.url, 'probe-int-spec');
});

afterAll(async () => {
  await probe?.close();
  await dataSource?.destroy();
  await database?.drop();
});

it("answers while every connection of the service's pool is taken by slow work", async () => {
  const release: Array<() => void> = [];
  const busy = [1, 2].map(() =>
    dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1');
      await new Promise<void>((resolve) => release.push(resolve));
    }),
  );
  try {
    await waitFor(() => release.length === 2, { description: 'both connections taken' });
    // What a readiness check through the pool would see: no connection within 2 s.
    await expect(withTimeout(dataSource.query('SELECT 1'), 2_000)).rejects.toThrow(/timed out/);
    const startedAt = Date.now();
    await expect(probe.answers()).resolves.toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  } finally {
    await waitFor(() => release.length === 2, { description: 'both transactions waiting' });
    release.forEach((resolve) => resolve());
    await Promise.all(busy);
  }
});

it('fails, rather than waits, when PostgreSQL does not answer', async () => {
  const nowhere = new DatabaseProbe('postgres://postgres@127.0.0.1:1/none', 'probe-int-spec');
  try {
    await expect(withTimeout(nowhere.answers(), 3_000)).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    await nowhere.close();
  }
});

it('answers again on a new connection after its own was cut (a PostgreSQL restart)', async () => {
  const healthSessions = async (): Promise<number[]> =>
    (
      await dataSource.query<Array<{ pid: number }>>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'probe-int-spec-health'`,
      )
    ).map((row) => row.pid);
  await probe.answers();
  const [before] = await healthSessions();
  await dataSource.query('SELECT pg_terminate_backend($1)', [before]);
  // The first question may still meet the dying connection; the pool then replaces it.
  await waitFor(() => probe.answers().catch(() => false), { description: 'an answer again' });
  const after = await healthSessions();
  expect(after).toHaveLength(1);
  expect(after).not.toContain(before);
});
