import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope, MessageDirection } from '@wechat-desk/contracts';
import { enqueueEvents, returnedRows } from '@wechat-desk/shared/persistence';

import { MessageViewEntity, type DeliveryStatus } from '../entities/message-view.entity';

const SCHEMA = 'desk';

export type MessageView = MessageViewEntity;

export interface TicketMessage {
  id: string;
  ticketId: string;
  direction: MessageDirection;
  type: string;
  text: string | null;
  sentAt: Date;
}

export interface OutboundMessage {
  id: string;
  ticketId: string;
  type: string;
  /** Null for a file sent without words. */
  text: string | null;
  sentAt: Date;
  agentId: string;
}

/** What a delivery report did to a reply: changed it (as it now is), nothing, or names no reply. */
export type DeliveryOutcome =
  { kind: 'changed'; message: MessageView } | { kind: 'unchanged' } | { kind: 'unknown' };

interface MessageRow {
  id: string;
  ticket_id: string;
  direction: MessageDirection;
  type: string;
  text: string | null;
  sent_at: Date;
  status: DeliveryStatus | null;
  failure_code: string | null;
  failure_message: string | null;
  agent_id: string | null;
}

const toMessageView = (row: MessageRow): MessageView => ({
  id: row.id,
  ticketId: row.ticket_id,
  direction: row.direction,
  type: row.type,
  text: row.text,
  sentAt: row.sent_at,
  status: row.status,
  failureCode: row.failure_code,
  failureMessage: row.failure_message,
  agentId: row.agent_id,
});

/**
 * Serialises the changes of one message (its projection and its attachments' outcomes), so the
 * last live event of a message always shows everything committed before it.
 */
const MESSAGE_LOCK_NAMESPACE = 'desk.message:';

@Injectable()
export class MessageViewRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Held until the transaction ends; see MESSAGE_LOCK_NAMESPACE. */
  async lockMessage(manager: EntityManager, messageId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${MESSAGE_LOCK_NAMESPACE}${messageId}`,
    ]);
  }

  /**
   * Adds a message to its ticket's view (the caller locked and found the ticket). Idempotent on
   * the message id: returns false for a redelivery.
   */
  async insertTicketMessage(manager: EntityManager, message: TicketMessage): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO desk.message_views (id, ticket_id, direction, type, text, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [message.id, message.ticketId, message.direction, message.type, message.text, message.sentAt],
    );
    return inserted.length > 0;
  }

  /** An agent's reply, queued, and the events asking for it to be sent: in the caller's transaction. */
  async insertOutbound(
    manager: EntityManager,
    message: OutboundMessage,
    events: readonly EventEnvelope[],
  ): Promise<MessageView> {
    const view: MessageView = {
      id: message.id,
      ticketId: message.ticketId,
      direction: 'out',
      type: message.type,
      text: message.text,
      sentAt: message.sentAt,
      status: 'queued',
      failureCode: null,
      failureMessage: null,
      agentId: message.agentId,
    };
    await manager.insert(MessageViewEntity, view);
    await enqueueEvents(manager, SCHEMA, events);
    return view;
  }

  async findById(manager: EntityManager, id: string): Promise<MessageView | null> {
    const rows: MessageRow[] = await manager.query(
      'SELECT * FROM desk.message_views WHERE id = $1',
      [id],
    );
    return rows[0] === undefined ? null : toMessageView(rows[0]);
  }

  /** When the latest customer message the ticket's view holds was sent; null if none. */
  async latestInboundAt(manager: EntityManager, ticketId: string): Promise<Date | null> {
    const rows: Array<{ at: Date | null }> = await manager.query(
      `SELECT max(sent_at) AS at FROM desk.message_views WHERE ticket_id = $1 AND direction = 'in'`,
      [ticketId],
    );
    return rows[0]?.at ?? null;
  }

  /** Oldest first: WeChat's CreateTime for inbound messages, then the id for a stable order. */
  listByTicket(ticketId: string): Promise<MessageView[]> {
    return this.dataSource.getRepository(MessageViewEntity).find({
      where: { ticketId },
      order: { sentAt: 'ASC', id: 'ASC' },
    });
  }

  /** A success is final: it clears a failure. A redelivery changes nothing. */
  markSent(manager: EntityManager, id: string): Promise<DeliveryOutcome> {
    return this.reportDelivery(
      manager,
      id,
      `UPDATE desk.message_views SET status = 'sent', failure_code = NULL, failure_message = NULL
       WHERE id = $1 AND direction = 'out'
         AND (status IS DISTINCT FROM 'sent' OR failure_code IS NOT NULL)
       RETURNING *`,
      [id],
    );
  }

  /** Never overwrites a confirmed send; the same failure again changes nothing. */
  markFailed(
    manager: EntityManager,
    id: string,
    code: string,
    message: string,
  ): Promise<DeliveryOutcome> {
    return this.reportDelivery(
      manager,
      id,
      `UPDATE desk.message_views SET status = 'failed', failure_code = $2, failure_message = $3
       WHERE id = $1 AND direction = 'out' AND status IS DISTINCT FROM 'sent'
         AND (status IS DISTINCT FROM 'failed' OR (failure_code, failure_message) IS DISTINCT FROM ($2, $3))
       RETURNING *`,
      [id, code, message],
    );
  }

  private async reportDelivery(
    manager: EntityManager,
    id: string,
    update: string,
    params: unknown[],
  ): Promise<DeliveryOutcome> {
    const changed = returnedRows<MessageRow>(await manager.query(update, params))[0];
    if (changed !== undefined) {
      return { kind: 'changed', message: toMessageView(changed) };
    }
    const known: unknown[] = await manager.query(
      `SELECT 1 FROM desk.message_views WHERE id = $1 AND direction = 'out'`,
      [id],
    );
    return known.length > 0 ? { kind: 'unchanged' } : { kind: 'unknown' };
  }
}
