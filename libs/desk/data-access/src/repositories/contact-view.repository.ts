import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A contact's state as conversation reports it (the reply window is computed from it). */
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

interface ContactRow {
  contact_id: string;
  channel_id: string;
  open_id: string;
  following: boolean | null;
  following_changed_at: Date | null;
  last_customer_message_at: Date | null;
  last_prompt_at: Date | null;
  last_interaction_at: Date;
}

@Injectable()
export class ContactViewRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Keeps the later of each timestamp (PostgreSQL's GREATEST skips nulls), and `following` with
   * the later `followingChangedAt`: copies applied in any order, or twice, end the same.
   */
  async apply(contact: ContactState): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO desk.contact_views AS c (contact_id, channel_id, open_id, following,
         following_changed_at, last_customer_message_at, last_prompt_at, last_interaction_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (contact_id) DO UPDATE SET
         following = CASE
           WHEN EXCLUDED.following_changed_at IS NOT NULL
             AND (c.following_changed_at IS NULL OR EXCLUDED.following_changed_at > c.following_changed_at)
             THEN EXCLUDED.following
           WHEN c.following IS NULL AND c.following_changed_at IS NULL THEN EXCLUDED.following
           ELSE c.following END,
         following_changed_at = GREATEST(c.following_changed_at, EXCLUDED.following_changed_at),
         last_customer_message_at = GREATEST(c.last_customer_message_at, EXCLUDED.last_customer_message_at),
         last_prompt_at = GREATEST(c.last_prompt_at, EXCLUDED.last_prompt_at),
         last_interaction_at = GREATEST(c.last_interaction_at, EXCLUDED.last_interaction_at)`,
      [
        contact.contactId,
        contact.channelId,
        contact.openId,
        contact.following,
        contact.followingChangedAt,
        contact.lastCustomerMessageAt,
        contact.lastPromptAt,
        contact.lastInteractionAt,
      ],
    );
  }

  /**
   * A customer message reached the desk (conversation's contact events leave messages out): the
   * reply window runs from the latest one. In the projection's transaction.
   */
  async noteCustomerMessage(
    manager: EntityManager,
    customer: { contactId: string; channelId: string; openId: string },
    sentAt: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO desk.contact_views AS c (contact_id, channel_id, open_id,
         last_customer_message_at, last_interaction_at)
       VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (contact_id) DO UPDATE SET
         last_customer_message_at = GREATEST(c.last_customer_message_at, EXCLUDED.last_customer_message_at),
         last_interaction_at = GREATEST(c.last_interaction_at, EXCLUDED.last_interaction_at)`,
      [customer.contactId, customer.channelId, customer.openId, sentAt],
    );
  }

  async findById(contactId: string): Promise<ContactState | null> {
    const rows: ContactRow[] = await this.dataSource.query(
      'SELECT * FROM desk.contact_views WHERE contact_id = $1',
      [contactId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          contactId: row.contact_id,
          channelId: row.channel_id,
          openId: row.open_id,
          following: row.following,
          followingChangedAt: row.following_changed_at,
          lastCustomerMessageAt: row.last_customer_message_at,
          lastPromptAt: row.last_prompt_at,
          lastInteractionAt: row.last_interaction_at,
        };
  }
}
