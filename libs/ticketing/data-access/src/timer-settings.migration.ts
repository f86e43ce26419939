import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TicketingTimerSettings1764100002000 implements MigrationInterface {
  name = 'TicketingTimerSettings1764100002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ticketing.timer_settings (
      department_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      conversion_timer_minutes integer NOT NULL CHECK (conversion_timer_minutes BETWEEN 1 AND 43200),
      version integer NOT NULL,
      PRIMARY KEY (department_id, channel_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ticketing.timer_settings');
  }
}
