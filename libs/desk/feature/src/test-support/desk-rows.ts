import { randomBytes, randomUUID } from 'node:crypto';

import type { Client } from 'pg';

let sequence = 0;

/**
 * A channel stored directly (its admin routes and WeChat checks are tested elsewhere). Its
 * sealed secrets are a placeholder: fine for agents' views and scoping, not for admin reads.
 */
export async function insertChannelRow(db: Client, departmentId: string): Promise<string> {
  sequence += 1;
  const id = randomUUID();
  const hex = randomBytes(8).toString('hex');
  await db.query(
    `INSERT INTO desk.channels (id, name, department_id, enabled, encryption_mode, reply_policy,
       app_id, original_id, sealed_secrets, version)
     VALUES ($1, $2, $3, true, 'secure', 'desk-classic', $4, $5, 'sealed', 1)`,
    [id, `Channel ${sequence}`, departmentId, `wx${hex}`, `gh_${hex.slice(0, 12)}`],
  );
  return id;
}

/** A projected open ticket with one inbound message, as the ticket events would leave it. */
export async function insertTicketRow(
  db: Client,
  channelId: string,
  departmentId: string,
): Promise<{ id: string; at: Date }> {
  sequence += 1;
  const id = randomUUID();
  const at = new Date(Date.UTC(2026, 10, 20, 8, 0, sequence));
  const contactId = randomUUID();
  await db.query(
    `INSERT INTO desk.ticket_views (id, number, status, channel_id, department_id, contact_id,
       open_id, created_at, last_message_at)
     VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7)`,
    [id, sequence, channelId, departmentId, contactId, `oOpen${sequence}`, at],
  );
  // As the projection leaves it: the customer wrote then (the reply window runs from it).
  await db.query(
    `INSERT INTO desk.contact_views (contact_id, channel_id, open_id, last_customer_message_at,
       last_interaction_at) VALUES ($1, $2, $3, $4, $4)`,
    [contactId, channelId, `oOpen${sequence}`, at],
  );
  await db.query(
    `INSERT INTO desk.message_views (id, ticket_id, direction, type, text, sent_at)
     VALUES ($1, $2, 'in', 'text', 'hello', $3)`,
    [randomUUID(), id, at],
  );
  return { id, at };
}
