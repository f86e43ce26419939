import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People and scope: departments can be deactivated, agents are associated with channels per
 * department, failed sign-ins are counted (shared by every replica), and admin changes are audited.
 */
export class DeskPeopleAndScope1764100000000 implements MigrationInterface {
  name = 'DeskPeopleAndScope1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE desk.departments ADD COLUMN active boolean NOT NULL DEFAULT true`,
    );

    // An association exists only while the agent belongs to the department (removing the
    // membership removes it); a channel that later moves department stops counting (scope query).
    await runner.query(`CREATE TABLE desk.agent_channels (
      agent_id uuid NOT NULL,
      department_id uuid NOT NULL,
      channel_id uuid NOT NULL REFERENCES desk.channels (id),
      PRIMARY KEY (agent_id, department_id, channel_id),
      CONSTRAINT agent_channels_membership_fkey FOREIGN KEY (agent_id, department_id)
        REFERENCES desk.agent_departments (agent_id, department_id) ON DELETE CASCADE
    )`);
    await runner.query(`CREATE INDEX agent_channels_channel ON desk.agent_channels (channel_id)`);

    // One row per throttled subject ('email:<address>' or 'ip:<address>').
    await runner.query(`CREATE TABLE desk.login_failures (
      subject text PRIMARY KEY CHECK (char_length(subject) <= 400),
      failures integer NOT NULL CHECK (failures >= 1),
      last_failed_at timestamptz NOT NULL,
      locked_until timestamptz
    )`);
    await runner.query(
      `CREATE INDEX login_failures_last_failed_at ON desk.login_failures (last_failed_at)`,
    );

    await runner.query(`CREATE TABLE desk.audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid REFERENCES desk.agents (id),
      action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 100),
      target_type text NOT NULL,
      target_id text NOT NULL,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
    await runner.query(
      `CREATE INDEX audit_log_target ON desk.audit_log (target_type, target_id, id DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE desk.audit_log, desk.login_failures, desk.agent_channels`);
    await runner.query(`ALTER TABLE desk.departments DROP COLUMN active`);
  }
}
