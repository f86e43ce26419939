import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { AttachmentRole, EventEnvelope } from '@wechat-desk/contracts';
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
  /** A follow, menu click or QR scan: it moves last_prompt_at. */
  prompts: boolean;
}

/** A media item of a new message, downloaded later; its id is also the blob's key. */
export interface NewAttachment {
  id: string;
  role: AttachmentRole;
  mediaId: string;
}

/** A contact as conversation.contact.updated.v1 describes it. */
export interface ContactState {
  contactId: string;
  channelId: string;
  openId: string;
  following: boolean | null;
  followingChangedAt: Date | null;
  lastCustomerMessageAt: Date | null;
  lastPromptAt: Date | null;
  lastInteractionAt: Date;
}

export type AttachmentStatus = 'pending' | 'stored' | 'failed';

export interface AttachmentRecord {
  id: string;
  messageId: string;
  role: AttachmentRole;
  mediaId: string;
  status: AttachmentStatus;
  attempts: number;
}

interface ContactRow {
  id: string;
  channel_id: string;
  open_id: string;
  following: boolean | null;
  following_changed_at: Date | null;
  last_customer_message_at: Date | null;
  last_prompt_at: Date | null;
  last_interaction_at: Date;
}

const CONTACT_COLUMNS =
  'id, channel_id, open_id, following, following_changed_at, last_customer_message_at, last_prompt_at, last_interaction_at';

/** The only code that touches the conversation schema. */
@Injectable()
export class ConversationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * One statement (one round trip on the hot path): creates or updates the contact (timestamps
   * only ever move forward, so order and redelivery do not matter), inserts the message unless
   * this MsgId was recorded before, and its attachments with it. `messageId` is null for a
   * duplicate; `contact` is the state after this message either way.
   */
  async recordInboundMessage(
    manager: EntityManager,
    message: NewInboundMessage,
    attachments: readonly NewAttachment[],
  ): Promise<{ contact: ContactState; messageId: string | null }> {
    const rows: Array<ContactRow & { message_id: string | null }> = await manager.query(
      `WITH contact AS (
         INSERT INTO ${SCHEMA}.contacts (id, channel_id, open_id, last_interaction_at, last_customer_message_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (channel_id, open_id) DO UPDATE SET
           last_interaction_at = GREATEST(contacts.last_interaction_at, EXCLUDED.last_interaction_at),
           last_customer_message_at = GREATEST(contacts.last_customer_message_at, EXCLUDED.last_customer_message_at)
         RETURNING ${CONTACT_COLUMNS}
       ), message AS (
         INSERT INTO ${SCHEMA}.messages (id, channel_id, contact_id, direction, type, text, wechat_msg_id, sent_at, fields)
         SELECT $5, $2, contact.id, 'in', $6, $7, $8, $4, $9 FROM contact
         ON CONFLICT (channel_id, wechat_msg_id) WHERE wechat_msg_id IS NOT NULL DO NOTHING
         RETURNING id
       ), attachment AS (
         INSERT INTO ${SCHEMA}.attachments (id, message_id, role, media_id)
         SELECT a.id, message.id, a.role, a.media_id
           FROM message, unnest($10::uuid[], $11::text[], $12::text[]) AS a (id, role, media_id)
         RETURNING id
       )
       SELECT contact.*, (SELECT id FROM message) AS message_id FROM contact`,
      [
        randomUUID(),
        message.channelId,
        message.openId,
        message.sentAt,
        randomUUID(),
        message.type,
        message.text,
        message.wechatMsgId,
        JSON.stringify(message.fields),
        attachments.map((a) => a.id),
        attachments.map((a) => a.role),
        attachments.map((a) => a.mediaId),
      ],
    );
    const row = rows[0];
    if (row === undefined) {
      throw new Error('contact upsert returned no row');
    }
    return { contact: contactStateOf(row), messageId: row.message_id };
  }

  /**
   * Like recordInboundMessage for an event, in one statement: `recorded` is false when this dedupe
   * key was recorded before. Follow state is applied separately (applyFollowState), only for a
   * new event.
   */
  async recordInboundEvent(
    manager: EntityManager,
    event: NewInboundEvent,
  ): Promise<{ contact: ContactState; recorded: boolean }> {
    const rows: Array<ContactRow & { recorded: boolean }> = await manager.query(
      `WITH contact AS (
         INSERT INTO ${SCHEMA}.contacts (id, channel_id, open_id, last_interaction_at, last_prompt_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel_id, open_id) DO UPDATE SET
           last_interaction_at = GREATEST(contacts.last_interaction_at, EXCLUDED.last_interaction_at),
           last_prompt_at = GREATEST(contacts.last_prompt_at, EXCLUDED.last_prompt_at)
         RETURNING ${CONTACT_COLUMNS}
       ), event AS (
         INSERT INTO ${SCHEMA}.events (id, channel_id, contact_id, dedupe_key, event, event_key, occurred_at, fields)
         SELECT $6, $2, contact.id, $7, $8, $9, $4, $10 FROM contact
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id
       )
       SELECT contact.*, EXISTS (SELECT 1 FROM event) AS recorded FROM contact`,
      [
        randomUUID(),
        event.channelId,
        event.openId,
        event.occurredAt,
        event.prompts ? event.occurredAt : null,
        randomUUID(),
        event.dedupeKey,
        event.event,
        event.eventKey,
        JSON.stringify(event.fields),
      ],
    );
    const row = rows[0];
    if (row === undefined) {
      throw new Error('contact upsert returned no row');
    }
    return { contact: contactStateOf(row), recorded: row.recorded };
  }

  /**
   * Follow state by WeChat's CreateTime, not by processing order: a late or redelivered
   * subscribe never overrides a newer unsubscribe. Returns the new state, or null when a newer
   * change was already applied (the state is then unchanged).
   */
  async applyFollowState(
    manager: EntityManager,
    contactId: string,
    following: boolean,
    changedAt: Date,
  ): Promise<ContactState | null> {
    const rows: ContactRow[] = await manager.query(
      `UPDATE ${SCHEMA}.contacts SET following = $2, following_changed_at = $3
       WHERE id = $1 AND (following_changed_at IS NULL OR following_changed_at <= $3)
       RETURNING ${CONTACT_COLUMNS}`,
      [contactId, following, changedAt],
    );
    const row = firstUpdated(rows);
    return row === undefined ? null : contactStateOf(row);
  }

  async findAttachment(attachmentId: string): Promise<AttachmentRecord | null> {
    const rows: Array<{
      id: string;
      message_id: string;
      role: AttachmentRole;
      media_id: string;
      status: AttachmentStatus;
      attempts: number;
    }> = await this.dataSource.query(
      `SELECT id, message_id, role, media_id, status, attempts FROM ${SCHEMA}.attachments WHERE id = $1`,
      [attachmentId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          id: row.id,
          messageId: row.message_id,
          role: row.role,
          mediaId: row.media_id,
          status: row.status,
          attempts: row.attempts,
        };
  }

  /** Counts tries that failed for now (the request is redelivered later) and why, for operators. */
  async noteAttachmentTries(attachmentId: string, tries: number, problem: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${SCHEMA}.attachments SET attempts = attempts + $2, failure_message = $3
       WHERE id = $1 AND status = 'pending'`,
      [attachmentId, tries, problem],
    );
  }

  /** Returns the total tries, or null when the attachment was no longer pending (nothing changed). */
  async markAttachmentStored(
    manager: EntityManager,
    attachmentId: string,
    stored: { mimeType: string; size: number; tries: number },
  ): Promise<number | null> {
    const rows: Array<{ attempts: number }> = await manager.query(
      `UPDATE ${SCHEMA}.attachments
          SET status = 'stored', mime_type = $2, size = $3, attempts = attempts + $4,
              failure_code = NULL, failure_message = NULL, stored_at = now()
        WHERE id = $1 AND status = 'pending'
        RETURNING attempts`,
      [attachmentId, stored.mimeType, stored.size, stored.tries],
    );
    return firstUpdated(rows)?.attempts ?? null;
  }

  /** Returns the total tries, or null when the attachment was no longer pending (nothing changed). */
  async markAttachmentFailed(
    manager: EntityManager,
    attachmentId: string,
    failure: { code: string; message: string; tries: number },
  ): Promise<number | null> {
    const rows: Array<{ attempts: number }> = await manager.query(
      `UPDATE ${SCHEMA}.attachments
          SET status = 'failed', failure_code = $2, failure_message = $3, attempts = attempts + $4
        WHERE id = $1 AND status = 'pending'
        RETURNING attempts`,
      [attachmentId, failure.code, failure.message, failure.tries],
    );
    return firstUpdated(rows)?.attempts ?? null;
  }

  enqueue(manager: EntityManager, envelopes: EventEnvelope[]): Promise<void> {
    return enqueueEvents(manager, SCHEMA, envelopes);
  }
}

/** TypeORM answers an UPDATE … RETURNING as [rows, affectedCount]; a plain query as rows. */
function firstUpdated<T extends object>(result: T[] | [T[], number]): T | undefined {
  const [head] = result;
  return Array.isArray(head) ? head[0] : head;
}

function contactStateOf(row: ContactRow): ContactState {
  return {
    contactId: row.id,
    channelId: row.channel_id,
    openId: row.open_id,
    following: row.following,
    followingChangedAt: row.following_changed_at,
    lastCustomerMessageAt: row.last_customer_message_at,
    lastPromptAt: row.last_prompt_at,
    lastInteractionAt: row.last_interaction_at,
  };
}
