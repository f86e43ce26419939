import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignment (desk owns it): a department assigns new tickets round-robin among the active agents
 * associated with the ticket's channel, or leaves them unassigned. The cursor row per department
 * and channel is what replicas lock, so each ticket goes to the next agent exactly once. The ticket
 * view also keeps the version of the status it shows, so older status events are ignored.
 */
export class DeskAssignment1764200003000 implements MigrationInterface {
  name = 'DeskAssignment1764200003000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE desk.ticket_views ADD COLUMN status_version integer NOT NULL DEFAULT 1`,
    );
    await runner.query(
      `ALTER TABLE desk.departments ADD COLUMN assignment_mode text NOT NULL DEFAULT 'round-robin'
         CHECK (assignment_mode IN ('round-robin', 'unassigned'))`,
    );
    // No foreign keys: the cursor is a position (the last agent given a ticket), which may name an
    // agent since removed from the channel; the next one is found by id after it.
    await runner.query(`CREATE TABLE desk.assignment_cursors (
      department_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      last_agent_id uuid,
      PRIMARY KEY (department_id, channel_id)
    )`);
    await runner.query(
      `CREATE INDEX ticket_views_assignee ON desk.ticket_views (assignee_id) WHERE assignee_id IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX desk.ticket_views_assignee');
    await runner.query('DROP TABLE desk.assignment_cursors');
    await runner.query('ALTER TABLE desk.departments DROP COLUMN assignment_mode');
    await runner.query('ALTER TABLE desk.ticket_views DROP COLUMN status_version');
  }
}
