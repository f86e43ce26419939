import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';
import type { TicketsAroundMessage, TicketSpan, TicketStatus } from '@wechat-desk/ticketing/domain';

const SCHEMA = 'ticketing';

export interface NewTicket {
  channelId: string;
  departmentId: string;
  contactId: string;
  openId: string;
  firstMessageAt: Date;
}

/** What a status change needs to know of a ticket, read under its customer's lock. */
export interface TicketState {
  ticketId: string;
  channelId: string;
  departmentId: string;
  contactId: string;
  status: TicketStatus;
  version: number;
  lastCustomerMessageAt: Date;
}

/** The ticket's routing fields and its new status version, after a status change. */
export interface StatusVersion {
  channelId: string;
  departmentId: string;
  version: number;
}

interface SpanRow {
  role: 'previous' | 'next' | 'latest';
  id: string;
  status: TicketStatus;
  first_at: Date;
  last_at: Date;
}

interface StatusVersionRow {
  channel_id: string;
  department_id: string;
  version: number;
}

const toStatusVersion = (row: StatusVersionRow): StatusVersion => ({
  channelId: row.channel_id,
  departmentId: row.department_id,
  version: row.version,
});

/** The only code that touches the ticketing schema's tickets. */
@Injectable()
export class TicketRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Locks the customer's row (creating it first), so one worker at a time decides for them.
   * Read the customer's tickets only after this: a read before the lock would miss a ticket
   * another worker created while this one waited.
   */
  async lockContact(manager: EntityManager, contactId: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${SCHEMA}.contact_states (contact_id) VALUES ($1) ON CONFLICT (contact_id) DO NOTHING`,
      [contactId],
    );
    await manager.query(`SELECT 1 FROM ${SCHEMA}.contact_states WHERE contact_id = $1 FOR UPDATE`, [
      contactId,
    ]);
  }

  /** The customer's tickets around `messageAt`, by first message (call under the customer's lock). */
  async findTicketsAround(
    manager: EntityManager,
    contactId: string,
    messageAt: Date,
  ): Promise<TicketsAroundMessage> {
    // Tickets are disjoint spans, so first-message times are distinct; `number` only breaks ties
    // defensively. One round trip, each branch an index range scan.
    const columns = `id, status, first_customer_message_at AS first_at, last_customer_message_at AS last_at`;
    const rows: SpanRow[] = await manager.query(
      `(SELECT 'previous' AS role, ${columns} FROM ${SCHEMA}.tickets
          WHERE contact_id = $1 AND first_customer_message_at <= $2
          ORDER BY first_customer_message_at DESC, number DESC LIMIT 1)
       UNION ALL
       (SELECT 'next' AS role, ${columns} FROM ${SCHEMA}.tickets
          WHERE contact_id = $1 AND first_customer_message_at > $2
          ORDER BY first_customer_message_at ASC, number ASC LIMIT 1)
       UNION ALL
       (SELECT 'latest' AS role, ${columns} FROM ${SCHEMA}.tickets
          WHERE contact_id = $1
          ORDER BY first_customer_message_at DESC, number DESC LIMIT 1)`,
      [contactId, messageAt],
    );
    const span = (role: SpanRow['role']): TicketSpan | null => {
      const row = rows.find((r) => r.role === role);
      return row === undefined
        ? null
        : {
            ticketId: row.id,
            status: row.status,
            firstCustomerMessageAt: row.first_at,
            lastCustomerMessageAt: row.last_at,
          };
    };
    return {
      previous: span('previous'),
      next: span('next'),
      latestTicketId: span('latest')?.ticketId ?? null,
    };
  }

  async isMessageAttached(manager: EntityManager, messageId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM ${SCHEMA}.ticket_messages WHERE message_id = $1`,
      [messageId],
    );
    return rows.length > 0;
  }

  async createTicket(
    manager: EntityManager,
    ticket: NewTicket,
  ): Promise<{ id: string; number: number; createdAt: Date }> {
    const rows: Array<{ id: string; number: string; created_at: Date }> = await manager.query(
      `INSERT INTO ${SCHEMA}.tickets (id, channel_id, department_id, contact_id, open_id, status,
                                      first_customer_message_at, last_customer_message_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $6) RETURNING id, number, created_at`,
      [
        randomUUID(),
        ticket.channelId,
        ticket.departmentId,
        ticket.contactId,
        ticket.openId,
        ticket.firstMessageAt,
      ],
    );
    const row = rows[0];
    return { id: row.id, number: Number(row.number), createdAt: row.created_at };
  }

  /** Widens the ticket's span to the message: a late message may come before its first one. */
  async attachMessage(
    manager: EntityManager,
    ticketId: string,
    messageId: string,
    sentAt: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${SCHEMA}.ticket_messages (message_id, ticket_id, sent_at) VALUES ($1, $2, $3)`,
      [messageId, ticketId, sentAt],
    );
    await manager.query(
      `UPDATE ${SCHEMA}.tickets SET
         first_customer_message_at = LEAST(first_customer_message_at, $2),
         last_customer_message_at = GREATEST(last_customer_message_at, $2)
       WHERE id = $1`,
      [ticketId, sentAt],
    );
  }

  /** The ticket's customer, or null for an unknown ticket (the customer never changes). */
  async findContactOf(manager: EntityManager, ticketId: string): Promise<string | null> {
    const rows: Array<{ contact_id: string }> = await manager.query(
      `SELECT contact_id FROM ${SCHEMA}.tickets WHERE id = $1`,
      [ticketId],
    );
    return rows[0]?.contact_id ?? null;
  }

  /** The ticket's current state (call under its customer's lock, so it cannot change meanwhile). */
  async findState(manager: EntityManager, ticketId: string): Promise<TicketState | null> {
    const rows: Array<{
      id: string;
      channel_id: string;
      department_id: string;
      contact_id: string;
      status: TicketStatus;
      version: number;
      last_customer_message_at: Date;
    }> = await manager.query(
      `SELECT id, channel_id, department_id, contact_id, status, version, last_customer_message_at
         FROM ${SCHEMA}.tickets WHERE id = $1`,
      [ticketId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          ticketId: row.id,
          channelId: row.channel_id,
          departmentId: row.department_id,
          contactId: row.contact_id,
          status: row.status,
          version: row.version,
          lastCustomerMessageAt: row.last_customer_message_at,
        };
  }

  /**
   * Records a status change request as handled; false when it already was (a redelivery). Call
   * in the transaction that applies it, so a rollback forgets it too.
   */
  async markRequestHandled(
    manager: EntityManager,
    requestId: string,
    ticketId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${SCHEMA}.status_change_requests (request_id, ticket_id) VALUES ($1, $2)
       ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
      [requestId, ticketId],
    );
    return rows.length > 0;
  }

  async reopen(manager: EntityManager, ticketId: string): Promise<StatusVersion> {
    return this.updateStatus(
      manager,
      `status = 'open', closed_at = NULL, version = version + 1`,
      ticketId,
      [],
    );
  }

  async close(manager: EntityManager, ticketId: string, closedAt: Date): Promise<StatusVersion> {
    return this.updateStatus(
      manager,
      `status = 'closed', closed_at = $2, version = version + 1`,
      ticketId,
      [closedAt],
    );
  }

  /**
   * A new status version without a change: a refused close is announced with it, so views that
   * showed the refused status optimistically take the newer one.
   */
  async bumpVersion(manager: EntityManager, ticketId: string): Promise<StatusVersion> {
    return this.updateStatus(manager, 'version = version + 1', ticketId, []);
  }

  enqueue(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    return enqueueEvents(manager, SCHEMA, envelopes);
  }

  private async updateStatus(
    manager: EntityManager,
    assignments: string,
    ticketId: string,
    parameters: unknown[],
  ): Promise<StatusVersion> {
    // TypeORM's query() on UPDATE … RETURNING yields [rows, affectedCount].
    const [rows]: [StatusVersionRow[], number] = await manager.query(
      `UPDATE ${SCHEMA}.tickets SET ${assignments} WHERE id = $1
       RETURNING channel_id, department_id, version`,
      [ticketId, ...parameters],
    );
    const row = rows[0];
    if (row === undefined) {
      throw new Error(`ticket ${ticketId} does not exist`);
    }
    return toStatusVersion(row);
  }
}
