import { randomUUID } from 'node:crypto';

import { RoutingKeys } from '@wechat-desk/contracts';
import { NonRetryableError } from '@wechat-desk/shared/messaging';

import {
  AGENT_ID,
  expectWellFormed,
  ofType,
  TicketingFixture,
  type Customer,
  type OutboxRow,
} from '../test-support/ticketing-fixture';

/**
 * ChangeTicketStatus against a real PostgreSQL database: agents close and reopen tickets, under
 * the customer's lock that message attachment takes too, so a close never hides a message the
 * agent did not see.
 */

const WORKERS = 3;
const T0 = Date.parse('2026-11-25T08:00:00.000Z');
const MINUTE = 60_000;

let fixture: TicketingFixture;

beforeAll(async () => {
  fixture = await TicketingFixture.start('ticketing_status', WORKERS);
});

afterAll(async () => {
  await fixture?.stop();
});

/** A customer with one open ticket holding one message at T0. */
async function customerWithTicket(): Promise<{ customer: Customer; ticketId: string }> {
  const customer = fixture.newCustomer();
  await fixture.deliver(fixture.recorded(customer, T0));
  const [ticket] = await fixture.ticketsOf(customer);
  return { customer, ticketId: ticket.id };
}

async function statusEventsOf(customer: Customer): Promise<OutboxRow[]> {
  const outbox = await fixture.outboxOf(customer);
  expectWellFormed(outbox);
  return ofType(outbox, RoutingKeys.ticketStatusChanged);
}

const statusOf = async (customer: Customer): Promise<Array<[string, number, boolean]>> =>
  (await fixture.ticketsOf(customer)).map((t) => [t.status, t.version, t.closed_at !== null]);

describe('ChangeTicketStatus', () => {
  it('closes an open ticket when the agent saw the customer’s latest message, announcing version 2', async () => {
    const { customer, ticketId } = await customerWithTicket();
    const request = fixture.statusRequest(ticketId, 'closed', T0);

    await fixture.changeStatus(request);

    expect(await statusOf(customer)).toEqual([['closed', 2, true]]);
    const events = await statusEventsOf(customer);
    expect(events.map((row) => row.envelope.data)).toEqual([
      {
        ticketId,
        channelId: fixture.channelId,
        departmentId: fixture.departmentId,
        status: 'closed',
        version: 2,
        cause: 'agent',
        agentId: AGENT_ID,
        changedAt: expect.any(String),
      },
    ]);
    expect(events[0].envelope.causationId).toBe(request.id);
    expect(events[0].envelope.correlationId).toBe(request.correlationId);
    const [ticket] = await fixture.ticketsOf(customer);
    expect(ticket.closed_at?.toISOString()).toBe(events[0].envelope.data['changedAt']);
  });

  it('closes without a seen-message time (a client without a chat view)', async () => {
    const { customer, ticketId } = await customerWithTicket();
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed'));
    expect(await statusOf(customer)).toEqual([['closed', 2, true]]);
  });

  it('refuses a close when the customer wrote after what the agent saw: open, new version, refused-close', async () => {
    const { customer, ticketId } = await customerWithTicket();
    await fixture.deliver(fixture.recorded(customer, T0 + MINUTE), 1);

    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0));

    expect(await statusOf(customer)).toEqual([['open', 2, false]]);
    expect((await statusEventsOf(customer)).map((row) => row.envelope.data)).toEqual([
      {
        ticketId,
        channelId: fixture.channelId,
        departmentId: fixture.departmentId,
        status: 'open',
        version: 2,
        cause: 'refused-close',
        agentId: AGENT_ID,
        changedAt: expect.any(String),
      },
    ]);

    // Having seen it, the agent closes again: accepted.
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0 + MINUTE));
    expect(await statusOf(customer)).toEqual([['closed', 3, true]]);
  });

  it('a close and a customer message racing on two workers: the message is never left unseen in a closed ticket', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { customer, ticketId } = await customerWithTicket();
      await Promise.all([
        fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0), round),
        fixture.deliver(fixture.recorded(customer, T0 + MINUTE), round + 1),
      ]);
      // Either the close came first and the message reopened the ticket, or the close was refused.
      const [status] = await statusOf(customer);
      expect(status).toEqual(['open', expect.any(Number), false]);
      const causes = (await statusEventsOf(customer)).map((row) => row.envelope.data['cause']);
      expect([['agent', 'customer-message'], ['refused-close']]).toContainEqual(causes);
    }
  });

  it('closing a closed ticket and opening an open one change nothing and announce nothing', async () => {
    const { customer, ticketId } = await customerWithTicket();
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'open'));
    expect(await statusOf(customer)).toEqual([['open', 1, false]]);

    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0));
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0), 1);
    expect(await statusOf(customer)).toEqual([['closed', 2, true]]);
    expect(await statusEventsOf(customer)).toHaveLength(1);
  });

  it('an agent reopens a closed ticket: open, closed_at cleared, announced with cause agent', async () => {
    const { customer, ticketId } = await customerWithTicket();
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0));

    await fixture.changeStatus(fixture.statusRequest(ticketId, 'open'), 1);

    expect(await statusOf(customer)).toEqual([['open', 3, false]]);
    expect(
      (await statusEventsOf(customer)).map((row) => [
        row.envelope.data['status'],
        row.envelope.data['version'],
        row.envelope.data['cause'],
        row.envelope.data['agentId'],
      ]),
    ).toEqual([
      ['closed', 2, 'agent', AGENT_ID],
      ['open', 3, 'agent', AGENT_ID],
    ]);
  });

  it('a message within the timer after a close reopens the ticket with cause customer-message', async () => {
    const { customer, ticketId } = await customerWithTicket();
    await fixture.changeStatus(fixture.statusRequest(ticketId, 'closed', T0));

    await fixture.deliver(fixture.recorded(customer, T0 + 10 * MINUTE), 1);

    expect(await statusOf(customer)).toEqual([['open', 3, false]]);
    expect(
      (await statusEventsOf(customer)).map((row) => [
        row.envelope.data['status'],
        row.envelope.data['version'],
        row.envelope.data['cause'],
        row.envelope.data['agentId'],
      ]),
    ).toEqual([
      ['closed', 2, 'agent', AGENT_ID],
      ['open', 3, 'customer-message', undefined],
    ]);
  });

  it('a redelivered request changes nothing, even once the ticket moved on', async () => {
    const { customer, ticketId } = await customerWithTicket();
    const close = fixture.statusRequest(ticketId, 'closed', T0);
    await fixture.changeStatus(close);
    const afterClose = await fixture.tableCounts();

    // Redelivered, at once on every worker.
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => fixture.changeStatus(close, i)));
    expect(await fixture.tableCounts()).toEqual(afterClose);

    // The customer writes (reopening it); a late redelivery of the close must not close it again.
    await fixture.deliver(fixture.recorded(customer, T0 + MINUTE), 1);
    await fixture.changeStatus(close, 2);
    expect(await statusOf(customer)).toEqual([['open', 3, false]]);

    // A refused close, redelivered, is not refused (and announced) twice.
    const refused = fixture.statusRequest(ticketId, 'closed', T0);
    await fixture.changeStatus(refused);
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => fixture.changeStatus(refused, i)));
    expect(await statusOf(customer)).toEqual([['open', 4, false]]);
    expect((await statusEventsOf(customer)).map((row) => row.envelope.data['cause'])).toEqual([
      'agent',
      'customer-message',
      'refused-close',
    ]);
  });

  it('refuses a request for an unknown ticket as non-retryable, writing nothing', async () => {
    const before = await fixture.tableCounts();
    const ticketId = randomUUID();
    const request = fixture.statusRequest(ticketId, 'closed', T0);

    await expect(fixture.changeStatus(request)).rejects.toBeInstanceOf(NonRetryableError);
    await expect(fixture.changeStatus(request, 1)).rejects.toThrow(`ticket ${ticketId}`);

    expect(await fixture.tableCounts()).toEqual(before);
  });
});
