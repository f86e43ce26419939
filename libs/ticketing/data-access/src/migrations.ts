import type { MigrationInterface, QueryRunner } from 'typeorm';

import { channelDirectoryTableSql } from '@wechat-desk/shared/channel-directory';
import { outboxTableSql } from '@wechat-desk/shared/persistence';

import { TicketingTicketSpans1764200000000 } from './ticket-spans.migration';
import { TicketingTimerSettings1764100002000 } from './timer-settings.migration';

export class TicketingInitial1764030000000 implements MigrationInterface {
  name = 'TicketingInitial1764030000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(channelDirectoryTableSql('ticketing'));
    await runner.query('CREATE SEQUENCE ticketing.ticket_number_seq');
    await runner.query(`CREATE TABLE ticketing.tickets (
      id uuid PRIMARY KEY,
      number bigint NOT NULL UNIQUE DEFAULT nextval('ticketing.ticket_number_seq'),
      channel_id uuid NOT NULL,
      department_id uuid NOT NULL,
      contact_id uuid NOT NULL,
      open_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'closed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_customer_message_at timestamptz NOT NULL
    )`);
    await runner.query(
      'CREATE INDEX tickets_contact ON ticketing.tickets (contact_id, created_at)',
    );
    // One row per customer: locking it serialises decisions for that customer across workers.
    await runner.query(`CREATE TABLE ticketing.contact_states (
      contact_id uuid PRIMARY KEY,
      current_ticket_id uuid REFERENCES ticketing.tickets (id),
      last_customer_message_at timestamptz
    )`);
    await runner.query(`CREATE TABLE ticketing.ticket_messages (
      message_id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES ticketing.tickets (id),
      sent_at timestamptz NOT NULL
    )`);
    await runner.query(outboxTableSql('ticketing'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'DROP TABLE ticketing.outbox, ticketing.ticket_messages, ticketing.contact_states, ticketing.tickets, ticketing.channels',
    );
    await runner.query('DROP SEQUENCE ticketing.ticket_number_seq');
  }
}

export const ticketingMigrations = [
  TicketingInitial1764030000000,
  TicketingTimerSettings1764100002000,
  TicketingTicketSpans1764200000000,
];
