import type { TicketPosition } from '@wechat-desk/desk/data-access';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: base64url of `[lastMessageAt, id]`. */
export function encodeTicketCursor(position: TicketPosition): string {
  return Buffer.from(JSON.stringify([position.lastMessageAt, position.id]), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor names, or null when it is not one we issued. */
export function decodeTicketCursor(cursor: string): TicketPosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) {
    return null;
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) {
    return null;
  }
  const lastMessageAt: unknown = decoded[0];
  const id: unknown = decoded[1];
  if (typeof lastMessageAt !== 'string' || typeof id !== 'string') {
    return null;
  }
  if (!TIMESTAMP.test(lastMessageAt) || Number.isNaN(Date.parse(lastMessageAt)) || !UUID.test(id)) {
    return null;
  }
  return { lastMessageAt, id };
}
