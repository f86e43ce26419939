import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An agent's file is an attachment of its reply, like a customer's media, but its bytes lie
 * under their own blob key (outbound reads them there) and it keeps the name it is sent under.
 */
export class DeskReplyFiles1764300003000 implements MigrationInterface {
  name = 'DeskReplyFiles1764300003000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE desk.attachment_views
      ADD COLUMN blob_key text,
      ADD COLUMN file_name text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE desk.attachment_views
      DROP COLUMN file_name,
      DROP COLUMN blob_key`);
  }
}
