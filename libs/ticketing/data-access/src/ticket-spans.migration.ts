import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tickets become spans of customer messages (first and last CreateTime), so the conversion timer
 * can place a late message among the customer's tickets; ticketing also owns a versioned status.
 * contact_states stays as the per-customer lock row only: the tickets table is the truth about
 * which ticket is current, so its copies there go.
 */
export class TicketingTicketSpans1764200000000 implements MigrationInterface {
  name = 'TicketingTicketSpans1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ticketing.tickets
      ADD COLUMN first_customer_message_at timestamptz,
      ADD COLUMN version integer NOT NULL DEFAULT 1,
      ADD COLUMN closed_at timestamptz`);
    // The earliest attached message where there is one; last_customer_message_at otherwise.
    await runner.query(`UPDATE ticketing.tickets t SET first_customer_message_at = COALESCE(
        (SELECT min(m.sent_at) FROM ticketing.ticket_messages m WHERE m.ticket_id = t.id),
        t.last_customer_message_at)`);
    await runner.query(
      'ALTER TABLE ticketing.tickets ALTER COLUMN first_customer_message_at SET NOT NULL',
    );
    // Finding a message's neighbouring tickets: previous, next and latest by first message.
    await runner.query('DROP INDEX ticketing.tickets_contact');
    await runner.query(
      'CREATE INDEX tickets_contact_first_message ON ticketing.tickets (contact_id, first_customer_message_at)',
    );
    await runner.query(`ALTER TABLE ticketing.contact_states
      DROP COLUMN current_ticket_id, DROP COLUMN last_customer_message_at`);
    // Status change requests handled, by envelope id: a redelivery finds its row and does nothing.
    await runner.query(`CREATE TABLE ticketing.status_change_requests (
      request_id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ticketing.status_change_requests');
    await runner.query(`ALTER TABLE ticketing.contact_states
      ADD COLUMN current_ticket_id uuid REFERENCES ticketing.tickets (id),
      ADD COLUMN last_customer_message_at timestamptz`);
    await runner.query(`UPDATE ticketing.contact_states s SET
        current_ticket_id = latest.id, last_customer_message_at = latest.last_customer_message_at
      FROM (SELECT DISTINCT ON (contact_id) contact_id, id, last_customer_message_at
              FROM ticketing.tickets ORDER BY contact_id, first_customer_message_at DESC) latest
      WHERE latest.contact_id = s.contact_id`);
    await runner.query('DROP INDEX ticketing.tickets_contact_first_message');
    await runner.query(
      'CREATE INDEX tickets_contact ON ticketing.tickets (contact_id, created_at)',
    );
    await runner.query(`ALTER TABLE ticketing.tickets
      DROP COLUMN first_customer_message_at, DROP COLUMN version, DROP COLUMN closed_at`);
  }
}
