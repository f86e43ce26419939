import { randomUUID } from 'node:crypto';

import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import {
  createEnvelope,
  parseEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
  type ConversationMessageRecordedV1,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import { createTestDatabase, waitFor, type TestDatabase } from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import {
  TicketRepository,
  ticketingMigrations,
  TimerSettingsRepository,
} from '@wechat-desk/ticketing/data-access';
import { DEFAULT_CONVERSION_TIMER_MINUTES } from '@wechat-desk/ticketing/domain';

import { AttachInboundMessage, ChannelNotYetKnownError } from './attach-inbound-message';

/**
 * AttachInboundMessage against a real PostgreSQL database, with several "workers" (separate
 * DataSources, each its own pool) handling a customer's burst at the same time, as competing
 * consumers on the ticketing queue do.
 */

const WORKERS = 3;
const POOL_SIZE = 5;
const CHANNEL_ID = randomUUID();
const DEPARTMENT_ID = randomUUID();
const UNKNOWN_CHANNEL_ID = randomUUID();
const T0 = Date.parse('2026-11-25T08:00:00.000Z');
const MINUTE = 60_000;
const TIMER_MS = DEFAULT_CONVERSION_TIMER_MINUTES * MINUTE;

let db: TestDatabase;
let observer: Client;
const dataSources: DataSource[] = [];
/** One use case per worker, each on its own DataSource. */
const workers: AttachInboundMessage[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ticketing_attach');
  await migrateAll(db.url, [{ schema: 'ticketing', migrations: ticketingMigrations }]);
  const box = SecretBox.forDevelopment();
  for (let i = 0; i < WORKERS; i += 1) {
    const dataSource = await createServiceDataSource({
      databaseUrl: db.url,
      schema: 'ticketing',
      entities: [],
      migrations: [],
      applicationName: `ticketing-worker-${i}`,
      poolSize: POOL_SIZE,
    }).initialize();
    dataSources.push(dataSource);
    workers.push(
      new AttachInboundMessage(
        new TicketRepository(dataSource),
        new ChannelDirectory(dataSource, 'ticketing', box),
        new TimerSettingsRepository(dataSource),
      ),
    );
  }
  // The channel reaches the ticketing projection the way the service gets it: channel.updated.v1.
  const channelUpdated = validateEventData(RoutingKeys.channelUpdated, {
    channelId: CHANNEL_ID,
    version: 1,
    name: 'Main',
    departmentId: DEPARTMENT_ID,
    enabled: true,
    encryptionMode: 'secure',
    replyPolicy: 'desk-classic',
    appId: 'wx0123456789abcdef',
    originalId: 'gh_0123456789ab',
    sealedSecrets: sealChannelSecrets(box, CHANNEL_ID, {
      token: 'token123',
      encodingAesKey: 'a'.repeat(43),
      previousEncodingAesKey: null,
      appSecret: '0123456789abcdef0123456789abcdef',
    }),
  });
  await new ChannelDirectory(dataSources[0], 'ticketing', box).apply(channelUpdated);
  observer = new Client({ connectionString: db.url });
  await observer.connect();
});

afterAll(async () => {
  await observer?.end().catch(() => undefined);
  for (const dataSource of dataSources) {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
  }
  await db?.drop();
});

interface Customer {
  contactId: string;
  openId: string;
}

function newCustomer(): Customer {
  return { contactId: randomUUID(), openId: `o${randomUUID().replace(/-/g, '').slice(0, 27)}` };
}

let msgIdCounter = 7_250_021_412_600_000n;

/** A conversation.message.recorded.v1 payload, validated like the consumer validates it. */
function recorded(
  customer: Customer,
  sentAtMs: number,
  channelId = CHANNEL_ID,
): ConversationMessageRecordedV1 {
  msgIdCounter += 1n;
  return validateEventData(RoutingKeys.conversationMessageRecorded, {
    messageId: randomUUID(),
    channelId,
    contactId: customer.contactId,
    openId: customer.openId,
    direction: 'in',
    type: 'text',
    text: `message at ${new Date(sentAtMs).toISOString()}`,
    sentAt: new Date(sentAtMs).toISOString(),
    wechatMsgId: msgIdCounter.toString(),
  });
}

/** Each message travels in its own envelope; a redelivery carries the same one. */
const causes = new Map<string, EventEnvelope>();
function causeOf(message: ConversationMessageRecordedV1): EventEnvelope {
  let cause = causes.get(message.messageId);
  if (cause === undefined) {
    cause = createEnvelope(RoutingKeys.conversationMessageRecorded, message, {
      correlationId: `corr-${message.messageId}`,
    });
    causes.set(message.messageId, cause);
  }
  return cause;
}

/** Delivers a message to worker `i mod WORKERS`. */
function deliver(message: ConversationMessageRecordedV1, i = 0): Promise<void> {
  return workers[i % WORKERS].execute(message, causeOf(message));
}

/** Delivers all messages at once, spread over the workers; every delivery must succeed. */
async function deliverConcurrently(messages: ConversationMessageRecordedV1[]): Promise<void> {
  const results = await Promise.allSettled(messages.map((message, i) => deliver(message, i)));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(failures.map((f) => String(f.reason))).toEqual([]);
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

interface TicketRow {
  id: string;
  number: string;
  channel_id: string;
  department_id: string;
  contact_id: string;
  open_id: string;
  status: 'open' | 'closed';
  created_at: Date;
  last_customer_message_at: Date;
}

interface OutboxRow {
  event_id: string;
  routing_key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

async function ticketsOf(customer: Customer): Promise<TicketRow[]> {
  const { rows } = await observer.query<TicketRow>(
    'SELECT * FROM ticketing.tickets WHERE contact_id = $1 ORDER BY number',
    [customer.contactId],
  );
  return rows;
}

async function ticketMessagesOf(
  customer: Customer,
): Promise<Array<{ message_id: string; ticket_id: string; sent_at: Date }>> {
  const { rows } = await observer.query<{ message_id: string; ticket_id: string; sent_at: Date }>(
    `SELECT tm.message_id, tm.ticket_id, tm.sent_at FROM ticketing.ticket_messages tm
       JOIN ticketing.tickets t ON t.id = tm.ticket_id WHERE t.contact_id = $1 ORDER BY tm.sent_at`,
    [customer.contactId],
  );
  return rows;
}

/** Outbox rows about this customer's tickets, in commit order. */
async function outboxOf(customer: Customer): Promise<OutboxRow[]> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT o.event_id, o.routing_key, o.envelope FROM ticketing.outbox o
      WHERE (o.envelope->'data'->>'ticketId')::uuid IN
            (SELECT id FROM ticketing.tickets WHERE contact_id = $1)
      ORDER BY o.position`,
    [customer.contactId],
  );
  return rows;
}

async function contactState(
  customer: Customer,
): Promise<
  { current_ticket_id: string | null; last_customer_message_at: Date | null } | undefined
> {
  const { rows } = await observer.query<{
    current_ticket_id: string | null;
    last_customer_message_at: Date | null;
  }>(
    'SELECT current_ticket_id, last_customer_message_at FROM ticketing.contact_states WHERE contact_id = $1',
    [customer.contactId],
  );
  return rows[0];
}

async function tableCounts(): Promise<Record<string, number>> {
  const { rows } = await observer.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM ticketing.tickets) AS tickets,
            (SELECT count(*) FROM ticketing.ticket_messages) AS ticket_messages,
            (SELECT count(*) FROM ticketing.contact_states) AS contact_states,
            (SELECT count(*) FROM ticketing.outbox) AS outbox`,
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

const ofType = (rows: OutboxRow[], key: string): OutboxRow[] =>
  rows.filter((row) => row.routing_key === key);

/** Every outbox row is a valid envelope of its routing key, caused by the message it is about. */
function expectWellFormed(rows: OutboxRow[]): void {
  for (const row of rows) {
    expect(row.envelope.type).toBe(row.routing_key);
    expect(row.envelope.id).toBe(row.event_id);
    expect(() => parseEnvelope(row.envelope)).not.toThrow();
  }
}

describe('AttachInboundMessage', () => {
  it(`a burst of 20 messages handled by ${WORKERS} workers at once makes exactly one ticket`, async () => {
    const customer = newCustomer();
    const messages = shuffled(
      Array.from({ length: 20 }, (_, i) => recorded(customer, T0 + i * 7_000)),
    );

    await deliverConcurrently(messages);

    const tickets = await ticketsOf(customer);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0];
    const lastSentAt = T0 + 19 * 7_000;
    expect(ticket).toMatchObject({
      channel_id: CHANNEL_ID,
      department_id: DEPARTMENT_ID,
      contact_id: customer.contactId,
      open_id: customer.openId,
      status: 'open',
    });
    expect(ticket.last_customer_message_at.getTime()).toBe(lastSentAt);

    const attached = await ticketMessagesOf(customer);
    expect(attached).toHaveLength(20);
    expect(new Set(attached.map((row) => row.ticket_id))).toEqual(new Set([ticket.id]));
    expect(attached.map((row) => row.message_id).sort()).toEqual(
      messages.map((m) => m.messageId).sort(),
    );
    expect(await contactState(customer)).toEqual({
      current_ticket_id: ticket.id,
      last_customer_message_at: new Date(lastSentAt),
    });

    const outbox = await outboxOf(customer);
    expectWellFormed(outbox);
    const created = ofType(outbox, RoutingKeys.ticketCreated);
    const added = ofType(outbox, RoutingKeys.ticketMessageAdded);
    expect(outbox).toHaveLength(21);
    expect(created).toHaveLength(1);
    expect(added).toHaveLength(20);
    expect(created[0].envelope.data).toEqual({
      ticketId: ticket.id,
      number: Number(ticket.number),
      channelId: CHANNEL_ID,
      departmentId: DEPARTMENT_ID,
      contactId: customer.contactId,
      openId: customer.openId,
      status: 'open',
      createdAt: ticket.created_at.toISOString(),
    });
    // ticket.created commits with the first ticket.message.added, before any other.
    expect(outbox[0].routing_key).toBe(RoutingKeys.ticketCreated);
    expect(outbox[1].routing_key).toBe(RoutingKeys.ticketMessageAdded);
    expect(outbox[1].envelope.causationId).toBe(created[0].envelope.causationId);
    const byMessage = new Map(messages.map((m) => [m.messageId, m]));
    expect(added.map((row) => row.envelope.data['messageId']).sort()).toEqual(
      [...byMessage.keys()].sort(),
    );
    for (const row of added) {
      const message = byMessage.get(row.envelope.data['messageId'] as string)!;
      expect(row.envelope.data).toEqual({
        ticketId: ticket.id,
        messageId: message.messageId,
        channelId: CHANNEL_ID,
        direction: 'in',
        type: 'text',
        text: message.text,
        sentAt: message.sentAt,
      });
      expect(row.envelope.correlationId).toBe(causeOf(message).correlationId);
      expect(row.envelope.causationId).toBe(causeOf(message).id);
    }
  });

  it('many customers writing at once get one ticket each', async () => {
    const customers = Array.from({ length: 10 }, () => newCustomer());
    const messages = shuffled(
      customers.flatMap((customer) =>
        Array.from({ length: 5 }, (_, i) => recorded(customer, T0 + i * 1_000)),
      ),
    );

    await deliverConcurrently(messages);

    const numbers = new Set<string>();
    for (const customer of customers) {
      const tickets = await ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      numbers.add(tickets[0].number);
      const attached = await ticketMessagesOf(customer);
      expect(attached).toHaveLength(5);
      expect(new Set(attached.map((row) => row.ticket_id))).toEqual(new Set([tickets[0].id]));
      const outbox = await outboxOf(customer);
      expectWellFormed(outbox);
      expect(ofType(outbox, RoutingKeys.ticketCreated)).toHaveLength(1);
      expect(ofType(outbox, RoutingKeys.ticketMessageAdded)).toHaveLength(5);
      expect(ofType(outbox, RoutingKeys.ticketCreated)[0].envelope.data['contactId']).toBe(
        customer.contactId,
      );
    }
    expect(numbers.size).toBe(customers.length);
  });

  it('a redelivered message changes nothing, sequentially or concurrently, even after the ticket closed', async () => {
    const customer = newCustomer();
    const first = recorded(customer, T0);
    const second = recorded(customer, T0 + MINUTE);
    await deliver(first);
    await deliver(second, 1);
    const before = await tableCounts();
    const ticketsBefore = await ticketsOf(customer);
    const stateBefore = await contactState(customer);

    await deliver(first, 2);
    await deliverConcurrently([second, second, second, first, first, first]);

    expect(await tableCounts()).toEqual(before);
    expect(await ticketsOf(customer)).toEqual(ticketsBefore);
    expect(await contactState(customer)).toEqual(stateBefore);

    // Closed by an agent: a redelivery of an attached message must not reopen it.
    await observer.query("UPDATE ticketing.tickets SET status = 'closed' WHERE contact_id = $1", [
      customer.contactId,
    ]);
    await deliverConcurrently([first, second]);
    expect(await tableCounts()).toEqual(before);
    expect((await ticketsOf(customer)).map((t) => t.status)).toEqual(['closed']);
  });

  it('refuses a message of a channel the projection does not know yet, writing nothing', async () => {
    const customer = newCustomer();
    const before = await tableCounts();
    const message = recorded(customer, T0, UNKNOWN_CHANNEL_ID);

    await expect(deliver(message)).rejects.toBeInstanceOf(ChannelNotYetKnownError);
    await expect(deliver(message, 1)).rejects.toThrow(`channel ${UNKNOWN_CHANNEL_ID}`);

    expect(await tableCounts()).toEqual(before);
    expect(await contactState(customer)).toBeUndefined();
  });

  it('a message after the conversion timer (1440 min) elapsed starts a second ticket; one just within it joins', async () => {
    const customer = newCustomer();
    const first = recorded(customer, T0);
    const within = recorded(customer, T0 + TIMER_MS - 1_000); // 23:59:59 later: same ticket
    const after = recorded(customer, T0 + TIMER_MS - 1_000 + TIMER_MS + MINUTE); // > 24 h after `within`

    await deliver(first);
    await deliver(within, 1);
    expect(await ticketsOf(customer)).toHaveLength(1);
    await deliver(after, 2);

    const tickets = await ticketsOf(customer);
    expect(tickets).toHaveLength(2);
    const [older, newer] = tickets as [TicketRow, TicketRow];
    expect(Number(newer.number)).toBeGreaterThan(Number(older.number));
    expect(newer.status).toBe('open');
    const attached = await ticketMessagesOf(customer);
    expect(attached.map((row) => [row.message_id, row.ticket_id])).toEqual([
      [first.messageId, older.id],
      [within.messageId, older.id],
      [after.messageId, newer.id],
    ]);
    expect((await contactState(customer))?.current_ticket_id).toBe(newer.id);

    const outbox = await outboxOf(customer);
    expectWellFormed(outbox);
    expect(
      ofType(outbox, RoutingKeys.ticketCreated).map((r) => r.envelope.data['ticketId']),
    ).toEqual([older.id, newer.id]);
    expect(ofType(outbox, RoutingKeys.ticketMessageAdded)).toHaveLength(3);
  });

  it('a message within the timer after the ticket was closed reopens that same ticket', async () => {
    const customer = newCustomer();
    await deliver(recorded(customer, T0));
    const [ticket] = await ticketsOf(customer);
    await observer.query("UPDATE ticketing.tickets SET status = 'closed' WHERE id = $1", [
      ticket.id,
    ]);

    const followUp = recorded(customer, T0 + 10 * MINUTE);
    await deliver(followUp, 1);

    const tickets = await ticketsOf(customer);
    expect(tickets.map((t) => [t.id, t.status])).toEqual([[ticket.id, 'open']]);
    expect((await ticketMessagesOf(customer)).map((row) => row.ticket_id)).toEqual([
      ticket.id,
      ticket.id,
    ]);
    const outbox = await outboxOf(customer);
    expectWellFormed(outbox);
    expect(ofType(outbox, RoutingKeys.ticketCreated)).toHaveLength(1);
    expect(ofType(outbox, RoutingKeys.ticketMessageAdded)).toHaveLength(2);

    // A burst after a second close, handled by every worker at once: still that one ticket.
    await observer.query("UPDATE ticketing.tickets SET status = 'closed' WHERE id = $1", [
      ticket.id,
    ]);
    await deliverConcurrently(
      Array.from({ length: 9 }, (_, i) => recorded(customer, T0 + 20 * MINUTE + i * 1_000)),
    );
    expect((await ticketsOf(customer)).map((t) => [t.id, t.status])).toEqual([[ticket.id, 'open']]);
    expect(await ticketMessagesOf(customer)).toHaveLength(11);
  });

  it('a closed ticket is not reopened once the timer elapsed: a new ticket starts', async () => {
    const customer = newCustomer();
    await deliver(recorded(customer, T0));
    await observer.query("UPDATE ticketing.tickets SET status = 'closed' WHERE contact_id = $1", [
      customer.contactId,
    ]);
    await deliver(recorded(customer, T0 + TIMER_MS + MINUTE), 1);

    expect((await ticketsOf(customer)).map((t) => t.status)).toEqual(['closed', 'open']);
  });

  it('a burst arriving after the timer elapsed, queued on the customer lock, makes exactly one new ticket', async () => {
    const customer = newCustomer();
    await deliver(recorded(customer, T0));
    const burstStart = T0 + TIMER_MS + MINUTE;
    const burst = Array.from({ length: 12 }, (_, i) => recorded(customer, burstStart + i * 1_000));

    // Make the race deterministic: hold the customer's row so every worker queues on it, as
    // they do when the burst lands while another worker is deciding.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    let delivered: Promise<void> | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query(
        'SELECT 1 FROM ticketing.contact_states WHERE contact_id = $1 FOR UPDATE',
        [customer.contactId],
      );
      delivered = deliverConcurrently(burst);
      await waitFor(
        async () => {
          const { rows } = await observer.query<{ waiting: string }>(
            `SELECT count(*) AS waiting FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return Number(rows[0].waiting) === burst.length;
        },
        { description: `${burst.length} workers queued on the customer lock`, timeoutMs: 5_000 },
      );
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end().catch(() => undefined);
    }
    await delivered;

    const tickets = await ticketsOf(customer);
    const outbox = await outboxOf(customer);
    expect({
      tickets: tickets.length,
      created: ofType(outbox, RoutingKeys.ticketCreated).length,
    }).toEqual({ tickets: 2, created: 2 });
    const attached = await ticketMessagesOf(customer);
    expect(attached.filter((row) => row.ticket_id === tickets[1].id)).toHaveLength(12);
  });

  it('uses the conversion timer set for the department and channel, newest version winning', async () => {
    const settings = new TimerSettingsRepository(dataSources[0]);
    await settings.apply({
      departmentId: DEPARTMENT_ID,
      channelId: CHANNEL_ID,
      conversionTimerMinutes: 5,
      version: 2,
    });
    // An older change arriving late does not undo the newer one.
    await settings.apply({
      departmentId: DEPARTMENT_ID,
      channelId: CHANNEL_ID,
      conversionTimerMinutes: 600,
      version: 1,
    });
    expect(await settings.findMinutes(DEPARTMENT_ID, CHANNEL_ID)).toBe(5);
    try {
      const customer = newCustomer();
      await deliver(recorded(customer, T0));
      await deliver(recorded(customer, T0 + 4 * MINUTE), 1);
      expect(await ticketsOf(customer)).toHaveLength(1);
      await deliver(recorded(customer, T0 + 9 * MINUTE), 2);
      expect(await ticketsOf(customer)).toHaveLength(2);
    } finally {
      await observer.query('DELETE FROM ticketing.timer_settings');
    }
  });
});
