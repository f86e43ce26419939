import { decodeTicketCursor, encodeTicketCursor } from './ticket-cursor';

const position = {
  lastMessageAt: '2024-04-26T06:20:45.123456Z',
  id: '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
};

describe('ticket cursor', () => {
  it('round-trips a position, microseconds included, as URL-safe text', () => {
    const cursor = encodeTicketCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTicketCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', Buffer.from(JSON.stringify(position)).toString('base64url')],
    [
      'a bad timestamp',
      Buffer.from(JSON.stringify(['yesterday', position.id])).toString('base64url'),
    ],
    [
      'a bad id',
      Buffer.from(JSON.stringify([position.lastMessageAt, "1' OR '1'='1"])).toString('base64url'),
    ],
    [
      'too many parts',
      Buffer.from(JSON.stringify([position.lastMessageAt, position.id, 1])).toString('base64url'),
    ],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeTicketCursor(cursor)).toBeNull();
  });
});
