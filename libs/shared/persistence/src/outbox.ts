import type { EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';

/** Table DDL for a service's outbox; each service's first migration creates it in its schema. */
export function outboxTableSql(schema: string): string {
  return `CREATE TABLE "${schema}".outbox (
    position bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    routing_key text NOT NULL,
    envelope jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;
}

export function outboxNotifyChannel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * Writes events in the caller's transaction, so the state change and its events commit together
 * (no dual write). The NOTIFY is delivered on commit and wakes the relay at once.
 */
export async function enqueueEvents(
  manager: EntityManager,
  schema: string,
  envelopes: readonly EventEnvelope[],
): Promise<void> {
  if (envelopes.length === 0) {
    return;
  }
  const values = envelopes
    .map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`)
    .join(', ');
  const params = envelopes.flatMap((envelope) => [
    envelope.id,
    envelope.type,
    JSON.stringify(envelope),
  ]);
  await manager.query(
    `INSERT INTO "${schema}".outbox (event_id, routing_key, envelope) VALUES ${values} ON CONFLICT (event_id) DO NOTHING`,
    params,
  );
  await manager.query('SELECT pg_notify($1, $2)', [outboxNotifyChannel(schema), '']);
}
