import type { MigrationInterface, QueryRunner } from 'typeorm';

import { channelDirectoryTableSql } from '@wechat-desk/shared/channel-directory';

/**
 * Issue 5: what the reply window is computed from (contact timestamps), media downloaded from
 * WeChat (attachments), and the channel projection the download needs (AppID, AppSecret).
 */
export class ConversationContactsAndMedia1764200001000 implements MigrationInterface {
  name = 'ConversationContactsAndMedia1764200001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE conversation.contacts
      ADD COLUMN last_customer_message_at timestamptz,
      ADD COLUMN last_prompt_at timestamptz`);
    await runner.query(`CREATE TABLE conversation.attachments (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL REFERENCES conversation.messages (id),
      role text NOT NULL CHECK (role IN ('media', 'thumbnail')),
      media_id text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
      mime_type text,
      size bigint,
      attempts integer NOT NULL DEFAULT 0,
      failure_code text,
      failure_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      stored_at timestamptz,
      CONSTRAINT attachments_message_role_unique UNIQUE (message_id, role)
    )`);
    // Operators look for what is still waiting (WeChat deletes media after 3 days).
    await runner.query(
      `CREATE INDEX attachments_pending ON conversation.attachments (created_at) WHERE status = 'pending'`,
    );
    await runner.query(channelDirectoryTableSql('conversation'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE conversation.channels, conversation.attachments');
    await runner.query(`ALTER TABLE conversation.contacts
      DROP COLUMN last_customer_message_at, DROP COLUMN last_prompt_at`);
  }
}
