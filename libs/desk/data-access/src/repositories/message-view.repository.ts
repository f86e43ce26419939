import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope, MessageDirection } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

import { MessageViewEntity } from '../entities/message-view.entity';

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
  text: string;
  sentAt: Date;
  agentId: string;
}

export type RecordMessageOutcome = 'recorded' | 'duplicate' | 'ticket-missing';

@Injectable()
export class MessageViewRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Adds a message to its ticket's view and moves the ticket's last activity forward (never back:
   * messages arrive in any order). Idempotent on the message id.
   */
  recordTicketMessage(message: TicketMessage): Promise<RecordMessageOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.touchTicket(manager, message.ticketId, message.sentAt))) {
        return 'ticket-missing';
      }
      const inserted: unknown[] = await manager.query(
        `INSERT INTO desk.message_views (id, ticket_id, direction, type, text, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          message.id,
          message.ticketId,
          message.direction,
          message.type,
          message.text,
          message.sentAt,
        ],
      );
      return inserted.length > 0 ? 'recorded' : 'duplicate';
    });
  }

  /** An agent's reply, queued, and the events asking for it to be sent: one transaction. */
  async insertOutbound(message: OutboundMessage, events: readonly EventEnvelope[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(MessageViewEntity, {
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
      });
      await this.touchTicket(manager, message.ticketId, message.sentAt);
      await enqueueEvents(manager, SCHEMA, events);
    });
  }

  /** Oldest first: WeChat's CreateTime for inbound messages, then the id for a stable order. */
  listByTicket(ticketId: string): Promise<MessageView[]> {
    return this.dataSource.getRepository(MessageViewEntity).find({
      where: { ticketId },
      order: { sentAt: 'ASC', id: 'ASC' },
    });
  }

  /** Returns false when no outbound message has that id. A success is final: it clears a failure. */
  async markSent(id: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE desk.message_views SET status = 'sent', failure_code = NULL, failure_message = NULL
       WHERE id = $1 AND direction = 'out'`,
      [id],
    );
    return rowCount(result) > 0;
  }

  /** Returns false when no outbound message has that id; never overwrites a confirmed send. */
  async markFailed(id: string, code: string, message: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE desk.message_views SET status = 'failed', failure_code = $2, failure_message = $3
       WHERE id = $1 AND direction = 'out' AND status IS DISTINCT FROM 'sent'`,
      [id, code, message],
    );
    return rowCount(result) > 0;
  }

  private async touchTicket(manager: EntityManager, ticketId: string, at: Date): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE desk.ticket_views SET last_message_at = GREATEST(last_message_at, $2) WHERE id = $1`,
      [ticketId, at],
    );
    return rowCount(result) > 0;
  }
}

/** TypeORM's query() answers an UPDATE on PostgreSQL with [rows, affectedCount]. */
function rowCount(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') {
    return result[1];
  }
  throw new Error('Unexpected result shape for an UPDATE');
}
