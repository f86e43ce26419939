import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound's counters per customer (outbound.reply_window.updated.v1), the latest version kept. */
export class DeskReplyWindows1764300000000 implements MigrationInterface {
  name = 'DeskReplyWindows1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE desk.reply_windows (
      channel_id uuid NOT NULL,
      open_id text NOT NULL,
      version bigint NOT NULL,
      customer_window_opened_at timestamptz,
      customer_window_used integer NOT NULL,
      prompt_window_opened_at timestamptz,
      prompt_window_used integer NOT NULL,
      month_key text NOT NULL,
      monthly_used integer NOT NULL,
      wechat_refused_at timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (channel_id, open_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE desk.reply_windows');
  }
}
