import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import { createTestDatabase, type TestDatabase } from '@wechat-desk/shared/testing';

import { ticketingMigrations } from './migrations';
import { TicketingTicketSpans1764200000000 } from './ticket-spans.migration';

/** The ticket-spans migration on a database that already holds tickets, and back. */

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase('ticketing_spans_migration');
  const before = ticketingMigrations.filter((m) => m !== TicketingTicketSpans1764200000000);
  await migrateAll(db.url, [{ schema: 'ticketing', migrations: before }]);
  client = new Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await db?.drop();
});

const at = (iso: string): Date => new Date(iso);

async function insertTicket(contactId: string, lastAt: Date): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO ticketing.tickets (id, channel_id, department_id, contact_id, open_id, status, last_customer_message_at)
     VALUES ($1, $2, $3, $4, 'oOpenId', 'open', $5)`,
    [id, randomUUID(), randomUUID(), contactId, lastAt],
  );
  return id;
}

it('backfills first-message times, versions and the lock rows, and reverts', async () => {
  const contactId = randomUUID();
  const withMessages = await insertTicket(contactId, at('2026-11-25T10:05:00Z'));
  for (const sentAt of ['2026-11-25T10:00:00Z', '2026-11-25T10:05:00Z']) {
    await client.query(
      'INSERT INTO ticketing.ticket_messages (message_id, ticket_id, sent_at) VALUES ($1, $2, $3)',
      [randomUUID(), withMessages, at(sentAt)],
    );
  }
  const withoutMessages = await insertTicket(contactId, at('2026-11-27T10:00:00Z'));
  await client.query(
    `INSERT INTO ticketing.contact_states (contact_id, current_ticket_id, last_customer_message_at)
     VALUES ($1, $2, $3)`,
    [contactId, withoutMessages, at('2026-11-27T10:00:00Z')],
  );

  await migrateAll(db.url, [{ schema: 'ticketing', migrations: ticketingMigrations }]);

  const { rows } = await client.query<{
    id: string;
    first_customer_message_at: Date;
    version: number;
    closed_at: Date | null;
  }>(
    'SELECT id, first_customer_message_at, version, closed_at FROM ticketing.tickets ORDER BY first_customer_message_at',
  );
  expect(rows).toEqual([
    {
      id: withMessages,
      first_customer_message_at: at('2026-11-25T10:00:00Z'),
      version: 1,
      closed_at: null,
    },
    {
      id: withoutMessages,
      first_customer_message_at: at('2026-11-27T10:00:00Z'),
      version: 1,
      closed_at: null,
    },
  ]);
  await expect(
    client.query('INSERT INTO ticketing.tickets (id) VALUES ($1)', [randomUUID()]),
  ).rejects.toThrow(/null value/);
  const { rows: lockRows } = await client.query('SELECT * FROM ticketing.contact_states');
  expect(lockRows).toEqual([{ contact_id: contactId }]);

  // Down restores the copies of the current ticket on the lock row.
  const dataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: 'ticketing',
    entities: [],
    migrations: ticketingMigrations,
    applicationName: 'ticketing-migration-test',
    poolSize: 1,
  }).initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  const { rows: reverted } = await client.query(
    'SELECT contact_id, current_ticket_id, last_customer_message_at FROM ticketing.contact_states',
  );
  expect(reverted).toEqual([
    {
      contact_id: contactId,
      current_ticket_id: withoutMessages,
      last_customer_message_at: at('2026-11-27T10:00:00Z'),
    },
  ]);
});
