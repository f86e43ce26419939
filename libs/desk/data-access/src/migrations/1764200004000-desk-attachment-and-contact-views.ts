import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of conversation's attachments and contacts. No foreign keys to message_views or
 * ticket_views: conversation's events arrive in any order relative to ticketing's.
 */
export class DeskAttachmentAndContactViews1764200004000 implements MigrationInterface {
  name = 'DeskAttachmentAndContactViews1764200004000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE desk.attachment_views (
      id uuid PRIMARY KEY,
      message_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('media', 'thumbnail')),
      status text NOT NULL CHECK (status IN ('stored', 'failed')),
      mime_type text,
      size bigint CHECK (size >= 0),
      failure_code text,
      failure_message text,
      CONSTRAINT attachment_views_stored_has_content
        CHECK (status <> 'stored' OR (mime_type IS NOT NULL AND size IS NOT NULL)),
      CONSTRAINT attachment_views_failed_has_reason
        CHECK (status <> 'failed' OR (failure_code IS NOT NULL AND failure_message IS NOT NULL))
    )`);
    await runner.query(
      `CREATE INDEX attachment_views_message ON desk.attachment_views (message_id)`,
    );

    await runner.query(`CREATE TABLE desk.contact_views (
      contact_id uuid PRIMARY KEY,
      channel_id uuid NOT NULL,
      open_id text NOT NULL,
      following boolean,
      following_changed_at timestamptz,
      last_customer_message_at timestamptz,
      last_prompt_at timestamptz,
      last_interaction_at timestamptz NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE desk.contact_views, desk.attachment_views');
  }
}
