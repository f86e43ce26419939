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

export const outboundMigrations = [OutboundInitial1764030000000];
