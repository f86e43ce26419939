import { Client } from 'pg';

import { RoutingKeys, validateEventData } from '@wechat-desk/contracts';
import { waitFor } from '@wechat-desk/shared/testing';
import { DEFAULT_CONVERSION_TIMER_MINUTES } from '@wechat-desk/ticketing/domain';

import {
  expectWellFormed,
  ofType,
  shuffled,
  TicketingFixture,
  type TicketRow,
} from '../test-support/ticketing-fixture';

import { ChannelNotYetKnownError } from './attach-inbound-message';

/**
 * AttachInboundMessage against a real PostgreSQL database, with several "workers" (separate
 * DataSources, each its own pool) handling a customer's burst at the same time, as competing
 * consumers on the ticketing queue do.
 */

const WORKERS = 3;
const T0 = Date.parse('2026-11-25T08:00:00.000Z');
const SECOND = 1_000;
const MINUTE = 60_000;
const TIMER_MS = DEFAULT_CONVERSION_TIMER_MINUTES * MINUTE;

let fixture: TicketingFixture;

beforeAll(async () => {
  fixture = await TicketingFixture.start('ticketing_attach', WORKERS);
});

afterAll(async () => {
  await fixture?.stop();
});

const spanOf = (ticket: TicketRow): [number, number] => [
  ticket.first_customer_message_at.getTime(),
  ticket.last_customer_message_at.getTime(),
];

describe('AttachInboundMessage', () => {
  it(`a burst of 20 messages handled by ${WORKERS} workers at once makes exactly one ticket`, async () => {
    const customer = fixture.newCustomer();
    const messages = shuffled(
      Array.from({ length: 20 }, (_, i) => fixture.recorded(customer, T0 + i * 7_000)),
    );

    await fixture.deliverConcurrently(messages);

    const tickets = await fixture.ticketsOf(customer);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0];
    expect(ticket).toMatchObject({
      channel_id: fixture.channelId,
      department_id: fixture.departmentId,
      contact_id: customer.contactId,
      open_id: customer.openId,
      status: 'open',
      version: 1,
      closed_at: null,
    });
    expect(spanOf(ticket)).toEqual([T0, T0 + 19 * 7_000]);

    const attached = await fixture.ticketMessagesOf(customer);
    expect(attached).toHaveLength(20);
    expect(new Set(attached.map((row) => row.ticket_id))).toEqual(new Set([ticket.id]));
    expect(attached.map((row) => row.message_id).sort()).toEqual(
      messages.map((m) => m.messageId).sort(),
    );

    const outbox = await fixture.outboxOf(customer);
    expectWellFormed(outbox);
    const created = ofType(outbox, RoutingKeys.ticketCreated);
    const added = ofType(outbox, RoutingKeys.ticketMessageAdded);
    // The message that opened the ticket travels in ticket.created, the 19 others on their own.
    expect(outbox).toHaveLength(20);
    expect(created).toHaveLength(1);
    expect(added).toHaveLength(19);
    const byMessage = new Map(messages.map((m) => [m.messageId, m]));
    const opening = byMessage.get(created[0].envelope.data['firstMessageId'] as string)!;
    expect(opening).toBeDefined();
    expect(created[0].envelope.data).toEqual({
      ticketId: ticket.id,
      number: Number(ticket.number),
      channelId: fixture.channelId,
      departmentId: fixture.departmentId,
      contactId: customer.contactId,
      openId: customer.openId,
      status: 'open',
      createdAt: ticket.created_at.toISOString(),
      firstMessageId: opening.messageId,
      firstMessageType: 'text',
      firstMessageText: opening.text,
      firstMessageSentAt: opening.sentAt,
    });
    expect(created[0].envelope.correlationId).toBe(fixture.causeOf(opening).correlationId);
    expect(created[0].envelope.causationId).toBe(fixture.causeOf(opening).id);
    // ticket.created commits before any ticket.message.added of its ticket.
    expect(outbox[0].routing_key).toBe(RoutingKeys.ticketCreated);
    expect(added.map((row) => row.envelope.data['messageId']).sort()).toEqual(
      [...byMessage.keys()].filter((id) => id !== opening.messageId).sort(),
    );
    for (const row of added) {
      const message = byMessage.get(row.envelope.data['messageId'] as string)!;
      expect(row.envelope.data).toEqual({
        ticketId: ticket.id,
        messageId: message.messageId,
        channelId: fixture.channelId,
        direction: 'in',
        type: 'text',
        text: message.text,
        sentAt: message.sentAt,
      });
      expect(row.envelope.correlationId).toBe(fixture.causeOf(message).correlationId);
      expect(row.envelope.causationId).toBe(fixture.causeOf(message).id);
    }
  });

  it('many customers writing at once get one ticket each', async () => {
    const customers = Array.from({ length: 10 }, () => fixture.newCustomer());
    const messages = shuffled(
      customers.flatMap((customer) =>
        Array.from({ length: 5 }, (_, i) => fixture.recorded(customer, T0 + i * 1_000)),
      ),
    );

    await fixture.deliverConcurrently(messages);

    const numbers = new Set<string>();
    for (const customer of customers) {
      const tickets = await fixture.ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      numbers.add(tickets[0].number);
      const attached = await fixture.ticketMessagesOf(customer);
      expect(attached).toHaveLength(5);
      expect(new Set(attached.map((row) => row.ticket_id))).toEqual(new Set([tickets[0].id]));
      const outbox = await fixture.outboxOf(customer);
      expectWellFormed(outbox);
      expect(ofType(outbox, RoutingKeys.ticketCreated)).toHaveLength(1);
      expect(ofType(outbox, RoutingKeys.ticketMessageAdded)).toHaveLength(4);
      expect(ofType(outbox, RoutingKeys.ticketCreated)[0].envelope.data['contactId']).toBe(
        customer.contactId,
      );
    }
    expect(numbers.size).toBe(customers.length);
  });

  it('a ticket opened by a message without text announces that message without text', async () => {
    const customer = fixture.newCustomer();
    const recorded: Record<string, unknown> = { ...fixture.recorded(customer, T0), type: 'image' };
    delete recorded['text'];
    const image = validateEventData(RoutingKeys.conversationMessageRecorded, recorded);

    await fixture.deliver(image);

    const outbox = await fixture.outboxOf(customer);
    expectWellFormed(outbox);
    expect(outbox.map((row) => row.routing_key)).toEqual([RoutingKeys.ticketCreated]);
    expect(outbox[0].envelope.data).toMatchObject({
      firstMessageId: image.messageId,
      firstMessageType: 'image',
      firstMessageSentAt: image.sentAt,
    });
    expect(outbox[0].envelope.data).not.toHaveProperty('firstMessageText');
  });

  it('a redelivered message changes nothing, sequentially or concurrently, even after the ticket closed', async () => {
    const customer = fixture.newCustomer();
    const first = fixture.recorded(customer, T0);
    const second = fixture.recorded(customer, T0 + MINUTE);
    await fixture.deliver(first);
    await fixture.deliver(second, 1);
    const before = await fixture.tableCounts();
    const ticketsBefore = await fixture.ticketsOf(customer);

    await fixture.deliver(first, 2);
    await fixture.deliverConcurrently([second, second, second, first, first, first]);

    expect(await fixture.tableCounts()).toEqual(before);
    expect(await fixture.ticketsOf(customer)).toEqual(ticketsBefore);

    // Closed by an agent: a redelivery of an attached message must not reopen it.
    await fixture.changeStatus(fixture.statusRequest(ticketsBefore[0].id, 'closed', T0 + MINUTE));
    const closed = await fixture.tableCounts();
    await fixture.deliverConcurrently([first, second]);
    expect(await fixture.tableCounts()).toEqual(closed);
    expect((await fixture.ticketsOf(customer)).map((t) => [t.status, t.version])).toEqual([
      ['closed', 2],
    ]);
  });

  it('refuses a message of a channel the projection does not know yet, writing nothing', async () => {
    const customer = fixture.newCustomer();
    const unknownChannelId = '00000000-0000-4000-8000-000000000001';
    const before = await fixture.tableCounts();
    const message = fixture.recorded(customer, T0, unknownChannelId);

    await expect(fixture.deliver(message)).rejects.toBeInstanceOf(ChannelNotYetKnownError);
    await expect(fixture.deliver(message, 1)).rejects.toThrow(`channel ${unknownChannelId}`);

    expect(await fixture.tableCounts()).toEqual(before);
  });

  it('a message after the conversion timer (1440 min) elapsed starts a second ticket; one just within it joins', async () => {
    const customer = fixture.newCustomer();
    const first = fixture.recorded(customer, T0);
    const within = fixture.recorded(customer, T0 + TIMER_MS - SECOND); // 23:59:59 later: same ticket
    const exactlyAfter = fixture.recorded(customer, T0 + TIMER_MS - SECOND + TIMER_MS); // elapsed

    await fixture.deliver(first);
    await fixture.deliver(within, 1);
    expect(await fixture.ticketsOf(customer)).toHaveLength(1);
    await fixture.deliver(exactlyAfter, 2);

    const tickets = await fixture.ticketsOf(customer);
    expect(tickets).toHaveLength(2);
    const [older, newer] = tickets as [TicketRow, TicketRow];
    expect(Number(newer.number)).toBeGreaterThan(Number(older.number));
    expect(newer.status).toBe('open');
    expect(spanOf(older)).toEqual([T0, T0 + TIMER_MS - SECOND]);
    const attached = await fixture.ticketMessagesOf(customer);
    expect(attached.map((row) => [row.message_id, row.ticket_id])).toEqual([
      [first.messageId, older.id],
      [within.messageId, older.id],
      [exactlyAfter.messageId, newer.id],
    ]);

    const outbox = await fixture.outboxOf(customer);
    expectWellFormed(outbox);
    expect(
      ofType(outbox, RoutingKeys.ticketCreated).map((r) => r.envelope.data['ticketId']),
    ).toEqual([older.id, newer.id]);
    // Each ticket's first message travelled in its ticket.created: only `within` on its own.
    expect(
      ofType(outbox, RoutingKeys.ticketCreated).map((r) => r.envelope.data['firstMessageId']),
    ).toEqual([first.messageId, exactlyAfter.messageId]);
    expect(
      ofType(outbox, RoutingKeys.ticketMessageAdded).map((r) => r.envelope.data['messageId']),
    ).toEqual([within.messageId]);
  });

  describe('late and reordered messages land where they were written (CreateTime)', () => {
    const timerMinutes = 10;
    const timer = timerMinutes * MINUTE;
    beforeAll(async () => {
      await fixture.timerSettings.apply({
        departmentId: fixture.departmentId,
        channelId: fixture.channelId,
        conversionTimerMinutes: timerMinutes,
        version: 1_000,
      });
    });

    afterAll(async () => {
      await fixture.observer.query('DELETE FROM ticketing.timer_settings');
    });

    it('a message processed late, before the ticket’s first one and within the timer, joins it and widens its span', async () => {
      const customer = fixture.newCustomer();
      const later = fixture.recorded(customer, T0 + 5 * MINUTE);
      const earlier = fixture.recorded(customer, T0);

      await fixture.deliver(later);
      await fixture.deliver(earlier, 1);

      const tickets = await fixture.ticketsOf(customer);
      expect(tickets).toHaveLength(1);
      expect(spanOf(tickets[0])).toEqual([T0, T0 + 5 * MINUTE]);
      expect(ofType(await fixture.outboxOf(customer), RoutingKeys.ticketCreated)).toHaveLength(1);
    });

    it('a message processed late, a timer before the first ticket, starts an earlier ticket of its own', async () => {
      const customer = fixture.newCustomer();
      const later = fixture.recorded(customer, T0 + timer);
      const earlier = fixture.recorded(customer, T0);

      await fixture.deliver(later);
      await fixture.deliver(earlier, 1);

      const tickets = await fixture.ticketsOf(customer);
      expect(tickets.map(spanOf)).toEqual([
        [T0, T0],
        [T0 + timer, T0 + timer],
      ]);
    });

    it('reordered processing gives the tickets in-order processing gives', async () => {
      // Two conversations a gap of exactly the timer apart; within each, gaps under the timer.
      // The orders are ones where no late message falls between two tickets of one
      // conversation (those stay apart: tickets never merge, see decideTicket).
      const offsets = [0, 3, 7, 12, 15, 15, 22].map((m) => m * MINUTE);
      const secondStart = offsets[offsets.length - 1] + timer;
      const times = [...offsets.map((o) => T0 + o), ...offsets.map((o) => T0 + secondStart + o)];
      const half = offsets.length;
      const orders: Record<string, (indexes: number[]) => number[]> = {
        'in order': (indexes) => indexes,
        reversed: (indexes) => [...indexes].reverse(),
        'second conversation first': (indexes) => [
          ...indexes.slice(half),
          ...indexes.slice(0, half),
        ],
        'each conversation from its last message': (indexes) => [
          ...indexes.slice(0, half).reverse(),
          ...indexes.slice(half).reverse(),
        ],
      };
      const partitions = new Map<string, number[][]>();
      for (const [name, reorder] of Object.entries(orders)) {
        const customer = fixture.newCustomer();
        const messages = times.map((t) => fixture.recorded(customer, t));
        for (const [i, index] of reorder(messages.map((_, i) => i)).entries()) {
          await fixture.deliver(messages[index], i);
        }
        const indexOf = new Map(messages.map((m, i) => [m.messageId, i]));
        const byTicket = new Map<string, number[]>();
        for (const row of await fixture.ticketMessagesOf(customer)) {
          byTicket.set(row.ticket_id, [
            ...(byTicket.get(row.ticket_id) ?? []),
            indexOf.get(row.message_id)!,
          ]);
        }
        partitions.set(
          name,
          [...byTicket.values()]
            .map((ids) => ids.sort((a, b) => a - b))
            .sort((a, b) => a[0] - b[0]),
        );
      }
      const twoConversations = [
        [0, 1, 2, 3, 4, 5, 6],
        [7, 8, 9, 10, 11, 12, 13],
      ];
      for (const name of Object.keys(orders)) {
        expect({ name, partition: partitions.get(name) }).toEqual({
          name,
          partition: twoConversations,
        });
      }
    });

    it('a late message in an older closed ticket joins it without reopening it', async () => {
      const customer = fixture.newCustomer();
      await fixture.deliver(fixture.recorded(customer, T0));
      await fixture.deliver(fixture.recorded(customer, T0 + 2 * timer), 1);
      const [older, latest] = await fixture.ticketsOf(customer);
      await fixture.changeStatus(fixture.statusRequest(older.id, 'closed', T0));
      const outboxBefore = await fixture.outboxOf(customer);

      const late = fixture.recorded(customer, T0 + MINUTE);
      await fixture.deliver(late, 2);

      const tickets = await fixture.ticketsOf(customer);
      expect(tickets.map((t) => [t.id, t.status, t.version])).toEqual([
        [older.id, 'closed', 2],
        [latest.id, 'open', 1],
      ]);
      expect(spanOf(tickets[0])).toEqual([T0, T0 + MINUTE]);
      const added = (await fixture.outboxOf(customer)).slice(outboxBefore.length);
      expect(added.map((row) => [row.routing_key, row.envelope.data['ticketId']])).toEqual([
        [RoutingKeys.ticketMessageAdded, older.id],
      ]);
    });

    it('a late message within the timer of the latest closed ticket reopens it', async () => {
      const customer = fixture.newCustomer();
      await fixture.deliver(fixture.recorded(customer, T0 + 5 * MINUTE));
      const [ticket] = await fixture.ticketsOf(customer);
      await fixture.changeStatus(fixture.statusRequest(ticket.id, 'closed', T0 + 5 * MINUTE));

      await fixture.deliver(fixture.recorded(customer, T0), 1);

      expect((await fixture.ticketsOf(customer)).map((t) => [t.id, t.status, t.version])).toEqual([
        [ticket.id, 'open', 3],
      ]);
    });
  });

  it('a message within the timer after the ticket was closed reopens that same ticket, announcing it', async () => {
    const customer = fixture.newCustomer();
    await fixture.deliver(fixture.recorded(customer, T0));
    const [ticket] = await fixture.ticketsOf(customer);
    await fixture.changeStatus(fixture.statusRequest(ticket.id, 'closed', T0));
    const outboxBefore = await fixture.outboxOf(customer);

    const followUp = fixture.recorded(customer, T0 + 10 * MINUTE);
    await fixture.deliver(followUp, 1);

    const tickets = await fixture.ticketsOf(customer);
    expect(tickets.map((t) => [t.id, t.status, t.version, t.closed_at])).toEqual([
      [ticket.id, 'open', 3, null],
    ]);
    expect((await fixture.ticketMessagesOf(customer)).map((row) => row.ticket_id)).toEqual([
      ticket.id,
      ticket.id,
    ]);
    const outbox = await fixture.outboxOf(customer);
    expectWellFormed(outbox);
    const added = outbox.slice(outboxBefore.length);
    // Both in the reopening transaction, caused by the message.
    expect(added.map((row) => row.routing_key)).toEqual([
      RoutingKeys.ticketStatusChanged,
      RoutingKeys.ticketMessageAdded,
    ]);
    expect(added[0].envelope.data).toEqual({
      ticketId: ticket.id,
      channelId: fixture.channelId,
      departmentId: fixture.departmentId,
      status: 'open',
      version: 3,
      cause: 'customer-message',
      changedAt: expect.any(String),
    });
    expect(added[0].envelope.causationId).toBe(fixture.causeOf(followUp).id);
    expect(added[1].envelope.data['messageId']).toBe(followUp.messageId);

    // A burst after a second close, handled by every worker at once: reopened once, one ticket.
    await fixture.changeStatus(fixture.statusRequest(ticket.id, 'closed', T0 + 10 * MINUTE));
    await fixture.deliverConcurrently(
      Array.from({ length: 9 }, (_, i) => fixture.recorded(customer, T0 + 20 * MINUTE + i * 1_000)),
    );
    expect((await fixture.ticketsOf(customer)).map((t) => [t.id, t.status, t.version])).toEqual([
      [ticket.id, 'open', 5],
    ]);
    expect(await fixture.ticketMessagesOf(customer)).toHaveLength(11);
    const reopenings = ofType(await fixture.outboxOf(customer), RoutingKeys.ticketStatusChanged)
      .map((row) => row.envelope.data)
      .filter((data) => data['cause'] === 'customer-message');
    expect(reopenings.map((data) => data['version'])).toEqual([3, 5]);
  });

  it('a closed ticket is not reopened once the timer elapsed: a new ticket starts', async () => {
    const customer = fixture.newCustomer();
    await fixture.deliver(fixture.recorded(customer, T0));
    const [ticket] = await fixture.ticketsOf(customer);
    await fixture.changeStatus(fixture.statusRequest(ticket.id, 'closed', T0));
    await fixture.deliver(fixture.recorded(customer, T0 + TIMER_MS), 1);

    expect((await fixture.ticketsOf(customer)).map((t) => t.status)).toEqual(['closed', 'open']);
    expect(
      ofType(await fixture.outboxOf(customer), RoutingKeys.ticketStatusChanged).map(
        (row) => row.envelope.data['cause'],
      ),
    ).toEqual(['agent']);
  });

  it('a burst arriving after the timer elapsed, queued on the customer lock, makes exactly one new ticket', async () => {
    const customer = fixture.newCustomer();
    await fixture.deliver(fixture.recorded(customer, T0));
    const burstStart = T0 + TIMER_MS + MINUTE;
    const burst = Array.from({ length: 12 }, (_, i) =>
      fixture.recorded(customer, burstStart + i * 1_000),
    );

    // Make the race deterministic: hold the customer's row so every worker queues on it, as
    // they do when the burst lands while another worker is deciding.
    const locker = new Client({ connectionString: fixture.db.url });
    await locker.connect();
    let delivered: Promise<void> | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query(
        'SELECT 1 FROM ticketing.contact_states WHERE contact_id = $1 FOR UPDATE',
        [customer.contactId],
      );
      delivered = fixture.deliverConcurrently(burst);
      await waitFor(
        async () => {
          const { rows } = await fixture.observer.query<{ waiting: string }>(
            `SELECT count(*) AS waiting FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return Number(rows[0].waiting) === burst.length;
        },
        { description: `${burst.length} workers queued on the customer lock`, timeoutMs: 5_000 },
      );
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end().catch(() => undefined);
    }
    await delivered;

    const tickets = await fixture.ticketsOf(customer);
    const outbox = await fixture.outboxOf(customer);
    expect({
      tickets: tickets.length,
      created: ofType(outbox, RoutingKeys.ticketCreated).length,
    }).toEqual({ tickets: 2, created: 2 });
    const attached = await fixture.ticketMessagesOf(customer);
    expect(attached.filter((row) => row.ticket_id === tickets[1].id)).toHaveLength(12);
  });

  it('uses the conversion timer set for the department and channel, newest version winning, from the next decision on', async () => {
    const settings = fixture.timerSettings;
    await settings.apply({
      departmentId: fixture.departmentId,
      channelId: fixture.channelId,
      conversionTimerMinutes: 5,
      version: 2,
    });
    // An older change arriving late does not undo the newer one.
    await settings.apply({
      departmentId: fixture.departmentId,
      channelId: fixture.channelId,
      conversionTimerMinutes: 600,
      version: 1,
    });
    expect(await settings.findMinutes(fixture.departmentId, fixture.channelId)).toBe(5);
    try {
      const customer = fixture.newCustomer();
      await fixture.deliver(fixture.recorded(customer, T0));
      await fixture.deliver(fixture.recorded(customer, T0 + 4 * MINUTE), 1);
      expect(await fixture.ticketsOf(customer)).toHaveLength(1);
      await fixture.deliver(fixture.recorded(customer, T0 + 9 * MINUTE), 2);
      expect(await fixture.ticketsOf(customer)).toHaveLength(2);

      // Raised to 60 minutes: the next message, 30 minutes on, joins the current ticket.
      await settings.apply({
        departmentId: fixture.departmentId,
        channelId: fixture.channelId,
        conversionTimerMinutes: 60,
        version: 3,
      });
      await fixture.deliver(fixture.recorded(customer, T0 + 39 * MINUTE));
      expect((await fixture.ticketsOf(customer)).map(spanOf)).toEqual([
        [T0, T0 + 4 * MINUTE],
        [T0 + 9 * MINUTE, T0 + 39 * MINUTE],
      ]);
    } finally {
      await fixture.observer.query('DELETE FROM ticketing.timer_settings');
    }
  });
});
