import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeskLiveEvents1764200002000 implements MigrationInterface {
  name = 'DeskLiveEvents1764200002000';

  async up(runner: QueryRunner): Promise<void> {
    // The agents' live stream: written in the projection's own transaction, so an event exists
    // exactly when the change it announces does; `seq` is what a reconnecting client resumes from.
    await runner.query(`CREATE TABLE desk.live_events (
      seq bigserial PRIMARY KEY,
      type text NOT NULL,
      ticket_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      department_id uuid NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('CREATE INDEX live_events_created_at ON desk.live_events (created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE desk.live_events');
  }
}
