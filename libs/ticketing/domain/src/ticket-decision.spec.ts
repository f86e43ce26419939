import { decideTicketForMessage, type CurrentTicket } from './ticket-decision';

const at = (iso: string): Date => new Date(iso);
const open: CurrentTicket = {
  ticketId: 't1',
  status: 'open',
  lastCustomerMessageAt: at('2026-11-25T10:00:00Z'),
};

describe(decideTicketForMessage.name, () => {
  it('opens a new ticket for a first message', () => {
    expect(decideTicketForMessage(null, at('2026-11-25T10:00:00Z'), 60)).toEqual({ kind: 'new' });
  });

  it('joins the open ticket while the timer has not elapsed', () => {
    expect(decideTicketForMessage(open, at('2026-11-25T10:59:59Z'), 60)).toEqual({
      kind: 'join',
      ticketId: 't1',
    });
  });

  it('starts a new ticket exactly when the timer has elapsed', () => {
    expect(decideTicketForMessage(open, at('2026-11-25T11:00:00Z'), 60)).toEqual({ kind: 'new' });
  });

  it('joins on equal timestamps', () => {
    expect(decideTicketForMessage(open, at('2026-11-25T10:00:00Z'), 1)).toEqual({
      kind: 'join',
      ticketId: 't1',
    });
  });

  it('joins a message older than the latest one (late processing)', () => {
    expect(decideTicketForMessage(open, at('2026-11-25T09:30:00Z'), 60)).toEqual({
      kind: 'join',
      ticketId: 't1',
    });
  });

  it('reopens a closed ticket within the timer', () => {
    expect(
      decideTicketForMessage({ ...open, status: 'closed' }, at('2026-11-25T10:10:00Z'), 60),
    ).toEqual({
      kind: 'reopen',
      ticketId: 't1',
    });
  });

  it('starts a new ticket after a closed one once the timer elapsed', () => {
    expect(
      decideTicketForMessage({ ...open, status: 'closed' }, at('2026-11-26T10:00:00Z'), 60),
    ).toEqual({
      kind: 'new',
    });
  });
});
