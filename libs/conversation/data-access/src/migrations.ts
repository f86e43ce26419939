import type { MigrationInterface, QueryRunner } from 'typeorm';

import { outboxTableSql } from '@wechat-desk/shared/persistence';

import { ConversationContactsAndMedia1764200001000 } from './contacts-and-media.migration';

export class ConversationInitial1764030000000 implements MigrationInterface {
  name = 'ConversationInitial1764030000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE conversation.contacts (
      id uuid PRIMARY KEY,
      channel_id uuid NOT NULL,
      open_id text NOT NULL,
      following boolean,
      following_changed_at timestamptz,
      last_interaction_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contacts_channel_open_id_unique UNIQUE (channel_id, open_id)
    )`);
    await runner.query(`CREATE TABLE conversation.messages (
      id uuid PRIMARY KEY,
      channel_id uuid NOT NULL,
      contact_id uuid NOT NULL REFERENCES conversation.contacts (id),
      direction text NOT NULL CHECK (direction IN ('in', 'out')),
      type text NOT NULL,
      text text,
      wechat_msg_id text,
      sent_at timestamptz NOT NULL,
      fields jsonb NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`);
    // WeChat retries share MsgId: one row per (channel, MsgId), whatever the delivery count.
    await runner.query(
      `CREATE UNIQUE INDEX messages_channel_msg_id_unique ON conversation.messages (channel_id, wechat_msg_id) WHERE wechat_msg_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX messages_contact_order ON conversation.messages (contact_id, sent_at, wechat_msg_id)`,
    );
    await runner.query(`CREATE TABLE conversation.events (
      id uuid PRIMARY KEY,
      channel_id uuid NOT NULL,
      contact_id uuid NOT NULL REFERENCES conversation.contacts (id),
      dedupe_key text NOT NULL UNIQUE,
      event text NOT NULL,
      event_key text,
      occurred_at timestamptz NOT NULL,
      fields jsonb NOT NULL DEFAULT '{}',
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(outboxTableSql('conversation'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'DROP TABLE conversation.outbox, conversation.events, conversation.messages, conversation.contacts',
    );
  }
}

export const conversationMigrations = [
  ConversationInitial1764030000000,
  ConversationContactsAndMedia1764200001000,
];
