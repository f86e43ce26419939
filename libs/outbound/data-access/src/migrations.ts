import type { MigrationInterface, QueryRunner } from 'typeorm';

import { channelDirectoryTableSql } from '@wechat-desk/shared/channel-directory';
import { outboxTableSql } from '@wechat-desk/shared/persistence';

export class OutboundInitial1764030000000 implements MigrationInterface {
  name = 'OutboundInitial1764030000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(channelDirectoryTableSql('outbound'));
    // The send ledger: one row per reply, claimed before WeChat is called, so a reply is sent at most once.
    await runner.query(`CREATE TABLE outbound.reply_sends (
      reply_id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      open_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown')),
      request_body text,
      failure_code text,
      failure_message text,
      wechat_errcode integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query(
      `CREATE INDEX reply_sends_review ON outbound.reply_sends (status) WHERE status = 'unknown'`,
    );
    await runner.query(outboxTableSql('outbound'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbound.outbox, outbound.reply_sends, outbound.channels');
  }
}

export class OutboundReplyWindows1764300000000 implements MigrationInterface {
  name = 'OutboundReplyWindows1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    // One row per customer, locked by every send decision: the window and quota are decided here.
    await runner.query(`CREATE TABLE outbound.customer_windows (
      channel_id uuid NOT NULL,
      open_id text NOT NULL,
      following boolean,
      following_changed_at timestamptz,
      last_customer_message_at timestamptz,
      last_prompt_at timestamptz,
      customer_window_opened_at timestamptz,
      customer_window_used integer NOT NULL DEFAULT 0 CHECK (customer_window_used >= 0),
      prompt_window_opened_at timestamptz,
      prompt_window_used integer NOT NULL DEFAULT 0 CHECK (prompt_window_used >= 0),
      month_key text NOT NULL DEFAULT '0000-00',
      monthly_used integer NOT NULL DEFAULT 0 CHECK (monthly_used >= 0),
      wechat_refused_at timestamptz,
      version bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel_id, open_id)
    )`);
    // 'prepared': slot taken, WeChat not called yet (safe to go on after a crash); 'sending':
    // WeChat may have been called (never called again).
    await runner.query(
      'ALTER TABLE outbound.reply_sends DROP CONSTRAINT IF EXISTS reply_sends_status_check',
    );
    await runner.query(`ALTER TABLE outbound.reply_sends
      ADD CONSTRAINT reply_sends_status_check
        CHECK (status IN ('prepared', 'sending', 'sent', 'failed', 'unknown')),
      ADD COLUMN reply_type text NOT NULL DEFAULT 'text',
      ADD COLUMN slot_kind text CHECK (slot_kind IN ('customer-message', 'prompt', 'quota')),
      ADD COLUMN slot_window_opened_at timestamptz,
      ADD COLUMN slot_month_key text,
      ADD COLUMN wechat_media_id text,
      ADD COLUMN wechat_mass_msg_id text`);
    // The channel's one-member tag for monthly (mass) sends, created once per account.
    await runner.query(`CREATE TABLE outbound.channel_tags (
      channel_id uuid PRIMARY KEY,
      app_id text NOT NULL,
      tag_id integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbound.channel_tags, outbound.customer_windows');
    await runner.query(`ALTER TABLE outbound.reply_sends DROP COLUMN reply_type,
      DROP COLUMN slot_kind, DROP COLUMN slot_window_opened_at, DROP COLUMN slot_month_key,
      DROP COLUMN wechat_media_id, DROP COLUMN wechat_mass_msg_id`);
  }
}

export const outboundMigrations = [OutboundInitial1764030000000, OutboundReplyWindows1764300000000];
