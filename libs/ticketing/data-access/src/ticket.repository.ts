import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';
import type { CurrentTicket } from '@wechat-desk/ticketing/domain';

const SCHEMA = 'ticketing';

export interface NewTicket {
  channelId: string;
  departmentId: string;
  contactId: string;
  openId: string;
  firstMessageAt: Date;
}

/** The only code that touches the ticketing schema's tickets. */
@Injectable()
export class TicketRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Locks the customer's row (creating it first), so one worker at a time decides for them. */
  async lockContact(manager: EntityManager, contactId: string): Promise<CurrentTicket | null> {
    await manager.query(
      `INSERT INTO ${SCHEMA}.contact_states (contact_id) VALUES ($1) ON CONFLICT (contact_id) DO NOTHING`,
      [contactId],
    );
    // Lock first, read after: a read joined to the lock would keep the ticket row it saw before
    // waiting, and miss a ticket another worker created meanwhile.
    await manager.query(`SELECT 1 FROM ${SCHEMA}.contact_states WHERE contact_id = $1 FOR UPDATE`, [
      contactId,
    ]);
    const rows: Array<{
      ticket_id: string | null;
      status: 'open' | 'closed' | null;
      last_at: Date | null;
    }> = await manager.query(
      `SELECT s.current_ticket_id AS ticket_id, t.status, s.last_customer_message_at AS last_at
         FROM ${SCHEMA}.contact_states s LEFT JOIN ${SCHEMA}.tickets t ON t.id = s.current_ticket_id
         WHERE s.contact_id = $1`,
      [contactId],
    );
    const row = rows[0];
    if (
      row === undefined ||
      row.ticket_id === null ||
      row.status === null ||
      row.last_at === null
    ) {
      return null;
    }
    return { ticketId: row.ticket_id, status: row.status, lastCustomerMessageAt: row.last_at };
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
      `INSERT INTO ${SCHEMA}.tickets (id, channel_id, department_id, contact_id, open_id, status, last_customer_message_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id, number, created_at`,
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

  async reopenTicket(manager: EntityManager, ticketId: string): Promise<void> {
    await manager.query(`UPDATE ${SCHEMA}.tickets SET status = 'open' WHERE id = $1`, [ticketId]);
  }

  async attachMessage(
    manager: EntityManager,
    contactId: string,
    ticketId: string,
    messageId: string,
    sentAt: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${SCHEMA}.ticket_messages (message_id, ticket_id, sent_at) VALUES ($1, $2, $3)`,
      [messageId, ticketId, sentAt],
    );
    await manager.query(
      `UPDATE ${SCHEMA}.tickets SET last_customer_message_at = GREATEST(last_customer_message_at, $2) WHERE id = $1`,
      [ticketId, sentAt],
    );
    await manager.query(
      `UPDATE ${SCHEMA}.contact_states SET current_ticket_id = $2,
         last_customer_message_at = GREATEST(COALESCE(last_customer_message_at, $3), $3)
       WHERE contact_id = $1`,
      [contactId, ticketId, sentAt],
    );
  }

  enqueue(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    return enqueueEvents(manager, SCHEMA, envelopes);
  }
}
