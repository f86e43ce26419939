import { randomBytes } from 'node:crypto';

import { Client } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

import { createEnvelope, RoutingKeys } from '@wechat-desk/contracts';
import {
  createTestDatabase,
  TEST_DATABASE_BASE_URL,
  waitFor,
  type TestDatabase,
} from '@wechat-desk/shared/testing';

import { createServiceDataSource } from './data-source';
import { dropDatabase, ensureDatabaseExists } from './database';
import { migrateAll, type ServiceMigrations } from './migrate';
import { enqueueEvents, outboxNotifyChannel, outboxTableSql } from './outbox';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

class ConversationOutbox1714112445001 implements MigrationInterface {
  name = 'ConversationOutbox1714112445001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(outboxTableSql('conversation'));
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "conversation".outbox');
  }
}

class TicketingOutbox1714112445001 implements MigrationInterface {
  name = 'TicketingOutbox1714112445001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(outboxTableSql('ticketing'));
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "ticketing".outbox');
  }
}

class TicketingTickets1714112445002 implements MigrationInterface {
  name = 'TicketingTickets1714112445002';
  async up(runner: QueryRunner): Promise<void> {
    // Unqualified on purpose: the migration runs with the service's schema first in search_path.
    await runner.query('CREATE TABLE ticket (id uuid PRIMARY KEY, burst_id uuid NOT NULL UNIQUE)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ticket');
  }
}

const SERVICES: ServiceMigrations[] = [
  { schema: 'conversation', migrations: [ConversationOutbox1714112445001] },
  {
    schema: 'ticketing',
    migrations: [TicketingOutbox1714112445001, TicketingTickets1714112445002],
  },
];

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withClient(`${TEST_DATABASE_BASE_URL}/postgres`, async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  });
}

describe('test databases', () => {
  it('creates a database once, however many processes ask at the same time', async () => {
    const name = `wechat_desk_test_ensure_${randomBytes(4).toString('hex')}`;
    const url = `${TEST_DATABASE_BASE_URL}/${name}`;
    try {
      await Promise.all([
        ensureDatabaseExists(url),
        ensureDatabaseExists(url),
        ensureDatabaseExists(url),
      ]);
      expect(await databaseExists(name)).toBe(true);
      await ensureDatabaseExists(url);
    } finally {
      await dropDatabase(url);
    }
    expect(await databaseExists(name)).toBe(false);
  });

  it('refuses a database name that is not letters, digits and underscores', async () => {
    await expect(ensureDatabaseExists(`${TEST_DATABASE_BASE_URL}/bad-name`)).rejects.toThrow(
      /letters, digits and underscores/,
    );
    await expect(ensureDatabaseExists(`${TEST_DATABASE_BASE_URL}/x";DROP`)).rejects.toThrow(
      /letters, digits and underscores/,
    );
  });

  it('drops a database that still has open sessions', async () => {
    const database = await createTestDatabase('drop');
    const session = new Client({ connectionString: database.url });
    session.on('error', () => undefined);
    await session.connect();
    try {
      await database.drop();
      expect(await databaseExists(database.name)).toBe(false);
    } finally {
      await session.end().catch(() => undefined);
    }
    await database.drop(); // Dropping again is fine.
  });
});

describe(migrateAll.name, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrate');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("runs each service's migrations in its own schema, once, even when replicas start together", async () => {
    const runs = await Promise.all([
      migrateAll(database.url, SERVICES),
      migrateAll(database.url, SERVICES),
      migrateAll(database.url, SERVICES),
    ]);

    expect(runs.flat().sort()).toEqual([
      'conversation: ConversationOutbox1714112445001',
      'ticketing: TicketingOutbox1714112445001',
      'ticketing: TicketingTickets1714112445002',
    ]);
    const tables = await withClient(database.url, async (client) => {
      const result = await client.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_schema IN ('conversation', 'ticketing', 'public') ORDER BY 1, 2`,
      );
      return result.rows.map((row) => `${row.table_schema}.${row.table_name}`);
    });
    expect(tables).toEqual([
      'conversation.migrations',
      'conversation.outbox',
      'ticketing.migrations',
      'ticketing.outbox',
      'ticketing.ticket',
    ]);
    expect(await migrateAll(database.url, SERVICES)).toEqual([]);
  });

  it('creates the database when it does not exist yet', async () => {
    const name = `wechat_desk_test_fresh_${randomBytes(4).toString('hex')}`;
    const url = `${TEST_DATABASE_BASE_URL}/${name}`;
    try {
      expect(await migrateAll(url, [SERVICES[0]])).toEqual([
        'conversation: ConversationOutbox1714112445001',
      ]);
    } finally {
      await dropDatabase(url);
    }
  });
});

describe(enqueueEvents.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let listener: Client;
  const notifications: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
    await migrateAll(database.url, SERVICES);
    dataSource = await createServiceDataSource({
      databaseUrl: database.url,
      schema: 'ticketing',
      entities: [],
      migrations: [],
      applicationName: 'persistence-int-spec',
      poolSize: 3,
    }).initialize();
    listener = new Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (message) => notifications.push(message.channel));
    await listener.query(`LISTEN "${outboxNotifyChannel('ticketing')}"`);
  });

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM ticketing.outbox');
    notifications.length = 0;
  });

  const envelope = (): ReturnType<typeof createEnvelope> =>
    createEnvelope(RoutingKeys.ticketCreated, { ticketId: 'any' });

  async function outbox(): Promise<
    Array<{ event_id: string; routing_key: string; envelope: unknown }>
  > {
    return dataSource.query(
      'SELECT event_id, routing_key, envelope FROM ticketing.outbox ORDER BY position',
    );
  }

  it("works in the service's own schema: unqualified SQL lands there", async () => {
    const [row] = await dataSource.query<Array<{ schema: string }>>(
      'SELECT current_schema() AS schema',
    );
    expect(row?.schema).toBe('ticketing');
  });

  it("writes the events with the caller's transaction, in order, as the relay will send them", async () => {
    const events = [envelope(), envelope()];
    await dataSource.transaction(async (manager) => {
      await manager.query(
        'INSERT INTO ticket (id, burst_id) VALUES (gen_random_uuid(), gen_random_uuid())',
      );
      await enqueueEvents(manager, 'ticketing', events);
    });

    expect(await outbox()).toEqual(
      events.map((event) => ({
        event_id: event.id,
        routing_key: RoutingKeys.ticketCreated,
        envelope: JSON.parse(JSON.stringify(event)),
      })),
    );
  });

  it('writes nothing, and wakes nobody, when the transaction rolls back', async () => {
    await dataSource
      .transaction(async (manager) => {
        await enqueueEvents(manager, 'ticketing', [envelope()]);
        throw new Error('business rule failed');
      })
      .catch(() => undefined);
    expect(await outbox()).toEqual([]);

    // NOTIFYs arrive in commit order: once the next commit's has arrived, a rolled-back one would have too.
    await dataSource.transaction((manager) => enqueueEvents(manager, 'ticketing', [envelope()]));
    await waitFor(() => notifications.length > 0, { description: 'the NOTIFY of the commit' });
    expect(notifications).toEqual([outboxNotifyChannel('ticketing')]);
  });

  it('wakes the relay only on commit', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await enqueueEvents(runner.manager, 'ticketing', [envelope()]);
      // A round trip on the listening connection delivers any notification already sent.
      await listener.query('SELECT 1');
      expect(notifications).toEqual([]);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    await waitFor(() => notifications.length === 1, { description: 'the NOTIFY after commit' });
  });

  it('ignores an event id already waiting in the outbox (a retried handler enqueues it again)', async () => {
    const event = envelope();
    await dataSource.transaction((manager) => enqueueEvents(manager, 'ticketing', [event, event]));
    await dataSource.transaction((manager) => enqueueEvents(manager, 'ticketing', [event]));
    expect((await outbox()).map((row) => row.event_id)).toEqual([event.id]);
  });

  it('does nothing for an empty list', async () => {
    await dataSource.transaction((manager) => enqueueEvents(manager, 'ticketing', []));
    await listener.query('SELECT 1');
    expect(await outbox()).toEqual([]);
    expect(notifications).toEqual([]);
  });
});
