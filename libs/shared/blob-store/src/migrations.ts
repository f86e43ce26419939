import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BlobsInitial1764200000000 implements MigrationInterface {
  name = 'BlobsInitial1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    // EXTERNAL storage: media is already compressed, so PostgreSQL's TOAST compression only costs CPU.
    await runner.query(`CREATE TABLE blobs.objects (
      key text PRIMARY KEY,
      content_type text NOT NULL,
      size bigint NOT NULL CHECK (size >= 0),
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('ALTER TABLE blobs.objects ALTER COLUMN bytes SET STORAGE EXTERNAL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE blobs.objects');
  }
}

export const blobStoreMigrations = [BlobsInitial1764200000000];
