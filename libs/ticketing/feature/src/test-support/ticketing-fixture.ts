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
  type TicketStatusChangeRequestedV1,
} from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import { createTestDatabase, type TestDatabase } from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import {
  TicketRepository,
  ticketingMigrations,
  TimerSettingsRepository,
} from '@wechat-desk/ticketing/data-access';

import { AttachInboundMessage } from '../attach-inbound-message/attach-inbound-message';
import { ChangeTicketStatus } from '../change-ticket-status/change-ticket-status';

export interface Customer {
  contactId: string;
  openId: string;
}

export interface TicketRow {
  id: string;
  number: string;
  channel_id: string;
  department_id: string;
  contact_id: string;
  open_id: string;
  status: 'open' | 'closed';
  created_at: Date;
  first_customer_message_at: Date;
  last_customer_message_at: Date;
  version: number;
  closed_at: Date | null;
}

export interface OutboxRow {
  event_id: string;
  routing_key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

/** One ticketing "worker": the use cases on their own DataSource (own pool), as a process has. */
export interface TicketingWorker {
  attach: AttachInboundMessage;
  changeStatus: ChangeTicketStatus;
}

let msgIdCounter = 7_250_021_412_600_000n;

/**
 * Ticketing's use cases against a real PostgreSQL database of their own (migrated), with several
 * workers (separate DataSources) and one known channel; `stop()` drops the database.
 */
export class TicketingFixture {
  readonly channelId = randomUUID();
  readonly departmentId = randomUUID();
  /** Each message travels in its own envelope; a redelivery carries the same one. */
  private readonly causes = new Map<string, EventEnvelope>();

  private constructor(
    readonly db: TestDatabase,
    readonly observer: Client,
    private readonly dataSources: DataSource[],
    readonly workers: TicketingWorker[],
    /** Sets conversion timers as the ticket.settings.updated.v1 handler does. */
    readonly timerSettings: TimerSettingsRepository,
  ) {}

  static async start(label: string, workerCount: number): Promise<TicketingFixture> {
    const db = await createTestDatabase(label);
    await migrateAll(db.url, [{ schema: 'ticketing', migrations: ticketingMigrations }]);
    const box = SecretBox.forDevelopment();
    const dataSources: DataSource[] = [];
    const workers: TicketingWorker[] = [];
    for (let i = 0; i < workerCount; i += 1) {
      const dataSource = await createServiceDataSource({
        databaseUrl: db.url,
        schema: 'ticketing',
        entities: [],
        migrations: [],
        applicationName: `ticketing-worker-${i}`,
        poolSize: 5,
      }).initialize();
      dataSources.push(dataSource);
      const tickets = new TicketRepository(dataSource);
      workers.push({
        attach: new AttachInboundMessage(
          tickets,
          new ChannelDirectory(dataSource, 'ticketing', box),
          // Always a cache miss: the channel is read from the projection, as after a change.
          { get: () => undefined },
          new TimerSettingsRepository(dataSource),
        ),
        changeStatus: new ChangeTicketStatus(tickets),
      });
    }
    const observer = new Client({ connectionString: db.url });
    await observer.connect();
    const fixture = new TicketingFixture(
      db,
      observer,
      dataSources,
      workers,
      new TimerSettingsRepository(dataSources[0]),
    );
    // The channel reaches the ticketing projection the way the service gets it: channel.updated.v1.
    await new ChannelDirectory(dataSources[0], 'ticketing', box).apply(
      validateEventData(RoutingKeys.channelUpdated, {
        channelId: fixture.channelId,
        version: 1,
        name: 'Main',
        departmentId: fixture.departmentId,
        enabled: true,
        encryptionMode: 'secure',
        replyPolicy: 'desk-classic',
        appId: 'wx0123456789abcdef',
        originalId: 'gh_0123456789ab',
        sealedSecrets: sealChannelSecrets(box, fixture.channelId, {
          token: 'token123',
          encodingAesKey: 'a'.repeat(43),
          previousEncodingAesKey: null,
          appSecret: '0123456789abcdef0123456789abcdef',
        }),
      }),
    );
    return fixture;
  }

  async stop(): Promise<void> {
    await this.observer.end().catch(() => undefined);
    for (const dataSource of this.dataSources) {
      if (dataSource.isInitialized) {
        await dataSource.destroy();
      }
    }
    await this.db.drop();
  }

  newCustomer(): Customer {
    return { contactId: randomUUID(), openId: `o${randomUUID().replace(/-/g, '').slice(0, 27)}` };
  }

  /** A conversation.message.recorded.v1 payload, validated like the consumer validates it. */
  recorded(
    customer: Customer,
    sentAtMs: number,
    channelId = this.channelId,
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

  causeOf(message: ConversationMessageRecordedV1): EventEnvelope {
    let cause = this.causes.get(message.messageId);
    if (cause === undefined) {
      cause = createEnvelope(RoutingKeys.conversationMessageRecorded, message, {
        correlationId: `corr-${message.messageId}`,
      });
      this.causes.set(message.messageId, cause);
    }
    return cause;
  }

  /** Delivers a message to worker `i mod workers`. */
  deliver(message: ConversationMessageRecordedV1, i = 0): Promise<void> {
    return this.workers[i % this.workers.length].attach.execute(message, this.causeOf(message));
  }

  /** Delivers all messages at once, spread over the workers; every delivery must succeed. */
  async deliverConcurrently(messages: ConversationMessageRecordedV1[]): Promise<void> {
    const results = await Promise.allSettled(
      messages.map((message, i) => this.deliver(message, i)),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.map((f) => String(f.reason))).toEqual([]);
  }

  /** A status change request in its envelope (deliver the same envelope again to redeliver). */
  statusRequest(
    ticketId: string,
    status: TicketStatusChangeRequestedV1['status'],
    seenCustomerMessageAtMs?: number,
  ): EventEnvelope<TicketStatusChangeRequestedV1> {
    const data = validateEventData(RoutingKeys.ticketStatusChangeRequested, {
      ticketId,
      status,
      agentId: AGENT_ID,
      ...(seenCustomerMessageAtMs === undefined
        ? {}
        : { seenCustomerMessageAt: new Date(seenCustomerMessageAtMs).toISOString() }),
      requestedAt: new Date().toISOString(),
    });
    return createEnvelope(RoutingKeys.ticketStatusChangeRequested, data, {
      correlationId: `corr-status-${randomUUID()}`,
    });
  }

  changeStatus(request: EventEnvelope<TicketStatusChangeRequestedV1>, i = 0): Promise<void> {
    return this.workers[i % this.workers.length].changeStatus.execute(request.data, request);
  }

  async ticketsOf(customer: Customer): Promise<TicketRow[]> {
    const { rows } = await this.observer.query<TicketRow>(
      'SELECT * FROM ticketing.tickets WHERE contact_id = $1 ORDER BY first_customer_message_at',
      [customer.contactId],
    );
    return rows;
  }

  async ticketMessagesOf(
    customer: Customer,
  ): Promise<Array<{ message_id: string; ticket_id: string; sent_at: Date }>> {
    const { rows } = await this.observer.query<{
      message_id: string;
      ticket_id: string;
      sent_at: Date;
    }>(
      `SELECT tm.message_id, tm.ticket_id, tm.sent_at FROM ticketing.ticket_messages tm
         JOIN ticketing.tickets t ON t.id = tm.ticket_id WHERE t.contact_id = $1
         ORDER BY tm.sent_at, tm.message_id`,
      [customer.contactId],
    );
    return rows;
  }

  /** Outbox rows about this customer's tickets, in commit order. */
  async outboxOf(customer: Customer): Promise<OutboxRow[]> {
    const { rows } = await this.observer.query<OutboxRow>(
      `SELECT o.event_id, o.routing_key, o.envelope FROM ticketing.outbox o
        WHERE (o.envelope->'data'->>'ticketId')::uuid IN
              (SELECT id FROM ticketing.tickets WHERE contact_id = $1)
        ORDER BY o.position`,
      [customer.contactId],
    );
    return rows;
  }

  async tableCounts(): Promise<Record<string, number>> {
    const { rows } = await this.observer.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM ticketing.tickets) AS tickets,
              (SELECT count(*) FROM ticketing.ticket_messages) AS ticket_messages,
              (SELECT count(*) FROM ticketing.contact_states) AS contact_states,
              (SELECT count(*) FROM ticketing.status_change_requests) AS status_change_requests,
              (SELECT count(*) FROM ticketing.outbox) AS outbox`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  }

  /** Closes the customer's tickets behind the use cases' back (an agent closed them earlier). */
  async closeDirectly(ticketId: string): Promise<void> {
    await this.observer.query(
      "UPDATE ticketing.tickets SET status = 'closed', closed_at = now(), version = version + 1 WHERE id = $1",
      [ticketId],
    );
  }
}

export const AGENT_ID = '0f0e0d0c-0b0a-4909-8807-060504030201';

export const ofType = (rows: OutboxRow[], key: string): OutboxRow[] =>
  rows.filter((row) => row.routing_key === key);

/** Every outbox row is a valid envelope of its routing key. */
export function expectWellFormed(rows: OutboxRow[]): void {
  for (const row of rows) {
    expect(row.envelope.type).toBe(row.routing_key);
    expect(row.envelope.id).toBe(row.event_id);
    expect(() => parseEnvelope(row.envelope)).not.toThrow();
  }
}

export function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
