import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each ticket last asked WeChat to show "typing", so every replica throttles alike. */
export class DeskTypingIndicators1764300002000 implements MigrationInterface {
  name = 'DeskTypingIndicators1764300002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE desk.typing_indicators (
      ticket_id uuid PRIMARY KEY,
      last_typing_at timestamptz NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE desk.typing_indicators');
  }
}
