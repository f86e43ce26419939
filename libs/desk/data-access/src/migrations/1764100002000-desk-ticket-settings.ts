import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeskTicketSettings1764100002000 implements MigrationInterface {
  name = 'DeskTicketSettings1764100002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE desk.ticket_settings (
      department_id uuid NOT NULL REFERENCES desk.departments (id),
      channel_id uuid NOT NULL REFERENCES desk.channels (id),
      conversion_timer_minutes integer NOT NULL CHECK (conversion_timer_minutes BETWEEN 1 AND 43200),
      version integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid,
      PRIMARY KEY (department_id, channel_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE desk.ticket_settings');
  }
}
