import type { MigrationInterface, QueryRunner } from 'typeorm';

import { outboxTableSql } from '@wechat-desk/shared/persistence';

/**
 * The desk schema: what desk-api owns (departments, agents, sessions, channels) and its read models
 * of other services' data (ticket_views, message_views). Projections carry no foreign keys to the
 * owned tables, so an event is never refused because of desk-side state.
 */
export class DeskInitial1764040000000 implements MigrationInterface {
  name = 'DeskInitial1764040000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE desk.departments (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // "Sales" and "sales" would be the same department to a person.
    await runner.query(
      `CREATE UNIQUE INDEX departments_name_unique ON desk.departments (lower(name))`,
    );

    await runner.query(`CREATE TABLE desk.agents (
      id uuid PRIMARY KEY,
      email text NOT NULL CHECK (email = lower(email)),
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      role text NOT NULL CHECK (role IN ('admin', 'agent')),
      password_hash text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT agents_email_unique UNIQUE (email)
    )`);
    await runner.query(
      `CREATE INDEX agents_active_admins ON desk.agents (id) WHERE role = 'admin' AND active`,
    );

    await runner.query(`CREATE TABLE desk.agent_departments (
      agent_id uuid NOT NULL REFERENCES desk.agents (id) ON DELETE CASCADE,
      department_id uuid NOT NULL REFERENCES desk.departments (id),
      PRIMARY KEY (agent_id, department_id)
    )`);
    await runner.query(
      `CREATE INDEX agent_departments_department ON desk.agent_departments (department_id)`,
    );

    await runner.query(`CREATE TABLE desk.sessions (
      token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      agent_id uuid NOT NULL REFERENCES desk.agents (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
    await runner.query(`CREATE INDEX sessions_agent ON desk.sessions (agent_id)`);
    await runner.query(`CREATE INDEX sessions_expires_at ON desk.sessions (expires_at)`);

    await runner.query(`CREATE TABLE desk.channels (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
      department_id uuid NOT NULL REFERENCES desk.departments (id),
      enabled boolean NOT NULL DEFAULT true,
      encryption_mode text NOT NULL CHECK (encryption_mode IN ('secure', 'compatible', 'plaintext')),
      reply_policy text NOT NULL CHECK (reply_policy IN ('desk-classic', 'wechat-2023')),
      app_id text NOT NULL CHECK (app_id ~ '^wx[0-9a-f]{16}$'),
      original_id text NOT NULL CHECK (original_id ~ '^gh_[0-9a-f]{12}$'),
      sealed_secrets text NOT NULL,
      icon bytea,
      icon_mime text,
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT channels_app_id_unique UNIQUE (app_id),
      CONSTRAINT channels_icon_has_mime CHECK ((icon IS NULL) = (icon_mime IS NULL))
    )`);
    await runner.query(`CREATE INDEX channels_department ON desk.channels (department_id)`);

    await runner.query(`CREATE TABLE desk.ticket_views (
      id uuid PRIMARY KEY,
      number bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'closed')),
      channel_id uuid NOT NULL,
      department_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      open_id text NOT NULL,
      assignee_id uuid,
      created_at timestamptz NOT NULL,
      last_message_at timestamptz NOT NULL
    )`);
    // Keyset pagination (last_message_at DESC, id DESC), overall and per filter/scope.
    await runner.query(
      `CREATE INDEX ticket_views_recent ON desk.ticket_views (last_message_at DESC, id DESC)`,
    );
    await runner.query(
      `CREATE INDEX ticket_views_department_recent ON desk.ticket_views (department_id, last_message_at DESC, id DESC)`,
    );
    await runner.query(
      `CREATE INDEX ticket_views_channel_recent ON desk.ticket_views (channel_id, last_message_at DESC, id DESC)`,
    );

    await runner.query(`CREATE TABLE desk.message_views (
      id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES desk.ticket_views (id),
      direction text NOT NULL CHECK (direction IN ('in', 'out')),
      type text NOT NULL,
      text text,
      sent_at timestamptz NOT NULL,
      status text CHECK (status IN ('queued', 'sent', 'failed')),
      failure_code text,
      failure_message text,
      agent_id uuid REFERENCES desk.agents (id),
      CONSTRAINT message_views_status_only_outbound CHECK (direction = 'out' OR status IS NULL)
    )`);
    await runner.query(
      `CREATE INDEX message_views_ticket_order ON desk.message_views (ticket_id, sent_at, id)`,
    );

    await runner.query(outboxTableSql('desk'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE desk.outbox, desk.message_views, desk.ticket_views, desk.channels, desk.sessions,
        desk.agent_departments, desk.agents, desk.departments`,
    );
  }
}
