import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

const SCHEMA = 'conversation';

export interface NewInboundMessage {
  channelId: string;
  openId: string;
  type: string;
  text: string | null;
  wechatMsgId: string;
  sentAt: Date;
  fields: Record<string, unknown>;
}

export interface NewInboundEvent {
  channelId: string;
  openId: string;
  event: string;
  eventKey: string | null;
  dedupeKey: string;
  occurredAt: Date;
  fields: Record<string, unknown>;
}

/** The only code that touches the conversation schema. */
@Injectable()
export class ConversationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Creates the contact on first contact; returns its id either way. */
  async upsertContact(
    manager: EntityManager,
    channelId: string,
    openId: string,
    interactionAt: Date,
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO ${SCHEMA}.contacts (id, channel_id, open_id, last_interaction_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel_id, open_id) DO UPDATE SET
         last_interaction_at = GREATEST(contacts.last_interaction_at, EXCLUDED.last_interaction_at)
       RETURNING id`,
      [randomUUID(), channelId, openId, interactionAt],
    );
    return rows[0].id;
  }

  /** Returns the new message id, or null when this MsgId was recorded before (a WeChat retry). */
  async insertInboundMessage(
    manager: EntityManager,
    contactId: string,
    message: NewInboundMessage,
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO ${SCHEMA}.messages (id, channel_id, contact_id, direction, type, text, wechat_msg_id, sent_at, fields)
       VALUES ($1, $2, $3, 'in', $4, $5, $6, $7, $8)
       ON CONFLICT (channel_id, wechat_msg_id) WHERE wechat_msg_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        randomUUID(),
        message.channelId,
        contactId,
        message.type,
        message.text,
        message.wechatMsgId,
        message.sentAt,
        JSON.stringify(message.fields),
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Returns false when the event was recorded before. */
  async insertInboundEvent(
    manager: EntityManager,
    contactId: string,
    event: NewInboundEvent,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${SCHEMA}.events (id, channel_id, contact_id, dedupe_key, event, event_key, occurred_at, fields)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [
        randomUUID(),
        event.channelId,
        contactId,
        event.dedupeKey,
        event.event,
        event.eventKey,
        event.occurredAt,
        JSON.stringify(event.fields),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Follow state by WeChat's CreateTime, not by processing order: a late or redelivered
   * subscribe never overrides a newer unsubscribe.
   */
  async applyFollowState(
    manager: EntityManager,
    contactId: string,
    following: boolean,
    changedAt: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${SCHEMA}.contacts SET following = $2, following_changed_at = $3
       WHERE id = $1 AND (following_changed_at IS NULL OR following_changed_at <= $3)`,
      [contactId, following, changedAt],
    );
  }

  enqueue(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    return enqueueEvents(manager, SCHEMA, envelopes);
  }
}
