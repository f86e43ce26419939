import { randomUUID } from 'node:crypto';

import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Client } from 'pg';

import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type RoutingKey,
} from '@wechat-desk/contracts';
import { topologyNames, type TopologyNames } from '@wechat-desk/shared/messaging';
import { TEST_RABBITMQ_URL, waitFor } from '@wechat-desk/shared/testing';
import { sleep } from '@wechat-desk/shared/util';

import { startDeskApi, type RunningDeskApi } from '../../test-support/desk-api-harness';
import { insertChannelRow } from '../../test-support/desk-rows';
import type { TicketReplyWindow } from './reply-window.view';

/**
 * The reply window as the desk shows and enforces it, from projected events (the real desk-api,
 * PostgreSQL and RabbitMQ): what GET /reply-window says is what POST /messages does.
 */

const ADMIN = { email: 'root@example.com', password: 'bootstrap-password' };
const HOUR_MS = 3_600_000;

let deskApi: RunningDeskApi | undefined;
let names: TopologyNames;
let broker: ChannelModel;
let channel: ConfirmChannel;
let db: Client;
let token: string;
let channelId: string;
let departmentId: string;

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${deskApi!.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function publish(type: RoutingKey, data: object): Promise<void> {
  const envelope = createEnvelope(type, data);
  channel.publish(names.exchange, type, Buffer.from(JSON.stringify(envelope)), {
    persistent: true,
    mandatory: true,
    messageId: envelope.id,
    contentType: 'application/json',
  });
  await channel.waitForConfirms();
}

let number = 500;
/** A ticket opened by a customer message `hoursAgo` ago, once the desk projected it. */
async function ticketOfCustomerWho(
  hoursAgo: number,
): Promise<{ id: string; openId: string; contactId: string }> {
  number += 1;
  const id = randomUUID();
  const openId = `oWindow${number}`;
  const contactId = randomUUID();
  const sentAt = new Date(Date.now() - hoursAgo * HOUR_MS).toISOString();
  const created = {
    ticketId: id,
    number,
    channelId,
    departmentId,
    contactId,
    openId,
    status: 'open',
    createdAt: sentAt,
    firstMessageId: randomUUID(),
    firstMessageType: 'text',
    firstMessageText: 'hello?',
    firstMessageSentAt: sentAt,
  };
  // Published again while not projected: the first may beat desk-api's queue binding at start.
  await waitFor(
    async () => {
      await publish(RoutingKeys.ticketCreated, created);
      await sleep(300);
      return (await call('GET', `/tickets/${id}`)).status === 200;
    },
    { timeoutMs: 15_000, description: 'the ticket is projected' },
  );
  return { id, openId, contactId };
}

const windowOf = async (ticketId: string): Promise<TicketReplyWindow> =>
  (await call<TicketReplyWindow>('GET', `/tickets/${ticketId}/reply-window`)).body;

async function untilWindow(
  ticketId: string,
  expected: (window: TicketReplyWindow) => boolean,
): Promise<TicketReplyWindow> {
  return waitFor(
    async () => {
      const window = await windowOf(ticketId);
      return expected(window) ? window : null;
    },
    { timeoutMs: 10_000, description: 'the window changes' },
  );
}

const counters = (openId: string, version: number, monthlyUsed: number) => ({
  channelId,
  openId,
  version,
  customerWindowUsed: 0,
  promptWindowUsed: 0,
  monthKey: new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
  })
    .format(new Date())
    .slice(0, 7),
  monthlyUsed,
  updatedAt: new Date().toISOString(),
});

const taken: EventEnvelope<Record<string, unknown>>[] = [];

/** What desk-api published for outbound about a ticket (read off outbound's queue, kept here). */
async function sentToOutbound(
  type: string,
  ticketId: string,
  atLeast: number,
): Promise<EventEnvelope<Record<string, unknown>>[]> {
  const mine = () =>
    taken.filter((envelope) => envelope.type === type && envelope.data['ticketId'] === ticketId);
  const deadline = Date.now() + (atLeast === 0 ? 500 : 10_000);
  while (Date.now() < deadline && (atLeast === 0 || mine().length < atLeast)) {
    const message = await channel.get(names.queue('outbound'), { noAck: true });
    if (message === false) {
      await sleep(50);
      continue;
    }
    taken.push(
      JSON.parse(message.content.toString('utf8')) as EventEnvelope<Record<string, unknown>>,
    );
  }
  return mine();
}

beforeAll(async () => {
  deskApi = await startDeskApi({
    label: 'desk_reply_window',
    consume: true,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  names = topologyNames(deskApi.namespace);
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  broker = await connect(TEST_RABBITMQ_URL);
  channel = await broker.createConfirmChannel();
  token = (await call<{ accessToken: string }>('POST', '/auth/login', ADMIN)).body.accessToken;
  departmentId = (await call<{ id: string }>('POST', '/departments', { name: 'Support' })).body.id;
  channelId = await insertChannelRow(db, departmentId);
}, 60_000);

afterAll(async () => {
  await broker?.close().catch(() => undefined);
  await db?.end();
  await deskApi?.stop();
}, 60_000);

describe('the reply window in the desk', () => {
  it('is free for 48 hours after the customer wrote, on the ticket and its own route; the reply carries what the desk knows', async () => {
    const ticket = await ticketOfCustomerWho(1);
    const wroteAt = (
      await db.query<{ at: Date }>(
        'SELECT last_customer_message_at AS at FROM desk.contact_views WHERE contact_id = $1',
        [ticket.contactId],
      )
    ).rows[0].at;

    const window = await windowOf(ticket.id);
    expect(window).toEqual({
      policy: 'desk-classic',
      mode: 'free',
      freeUntil: new Date(wroteAt.getTime() + 48 * HOUR_MS).toISOString(),
      monthly: { limit: 4, used: 0, remaining: 4 },
      freeSendsLeft: null,
    });
    expect(
      (await call<{ replyWindow: unknown }>('GET', `/tickets/${ticket.id}`)).body.replyWindow,
    ).toEqual(window);
    const list = await call<{ items: Array<{ id: string; replyWindow: unknown }> }>(
      'GET',
      '/tickets?limit=100',
    );
    expect(list.body.items.find((item) => item.id === ticket.id)?.replyWindow).toEqual(window);

    expect(
      (await call('POST', `/tickets/${ticket.id}/messages`, { type: 'text', text: 'On it' }))
        .status,
    ).toBe(202);
    const [request] = await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 1);
    expect(request?.data).toMatchObject({ lastCustomerMessageAt: wroteAt.toISOString() });
  });

  it('counts outbound’s monthly sends (latest version wins) and refuses the 5th up front with 409 MONTHLY_QUOTA_EXHAUSTED', async () => {
    const ticket = await ticketOfCustomerWho(49);
    expect(await windowOf(ticket.id)).toMatchObject({
      mode: 'quota',
      monthly: { used: 0, remaining: 4 },
    });

    await publish(RoutingKeys.outboundReplyWindowUpdated, counters(ticket.openId, 4, 4));
    // An older copy arriving late changes nothing.
    await publish(RoutingKeys.outboundReplyWindowUpdated, counters(ticket.openId, 3, 3));
    const closed = await untilWindow(ticket.id, (window) => window.mode === 'closed');
    await sleep(300);
    expect(await windowOf(ticket.id)).toEqual(closed);
    expect(closed).toMatchObject({
      reason: 'MONTHLY_QUOTA_EXHAUSTED',
      code: 'MONTHLY_QUOTA_EXHAUSTED',
      monthly: { limit: 4, used: 4, remaining: 0 },
    });

    const refused = await call<{ error: { code: string; message: string; details: unknown } }>(
      'POST',
      `/tickets/${ticket.id}/messages`,
      { type: 'text', text: 'One more?' },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'MONTHLY_QUOTA_EXHAUSTED', details: closed });
    expect(refused.body.error.message).toMatch(/4 messages are used up; they reset on 1 /);
    expect(await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 0)).toEqual([]);

    // The customer writes again: the window opens, whatever the month's count.
    await publish(RoutingKeys.ticketMessageAdded, {
      ticketId: ticket.id,
      messageId: randomUUID(),
      channelId,
      direction: 'in',
      type: 'text',
      text: 'Still there?',
      sentAt: new Date().toISOString(),
    });
    await untilWindow(ticket.id, (window) => window.mode === 'free');
  });

  it('is closed for a customer who unfollowed: 409 REPLY_WINDOW_CLOSED, and no typing', async () => {
    const ticket = await ticketOfCustomerWho(1);
    await publish(RoutingKeys.conversationContactUpdated, {
      contactId: ticket.contactId,
      channelId,
      openId: ticket.openId,
      following: false,
      followingChangedAt: new Date().toISOString(),
      lastInteractionAt: new Date().toISOString(),
    });
    const closed = await untilWindow(ticket.id, (window) => window.mode === 'closed');
    expect(closed).toMatchObject({ reason: 'NOT_FOLLOWING', code: 'REPLY_WINDOW_CLOSED' });

    const refused = await call<{ error: { code: string } }>(
      'POST',
      `/tickets/${ticket.id}/messages`,
      {
        type: 'text',
        text: 'Hello?',
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REPLY_WINDOW_CLOSED');
    expect((await call('POST', `/tickets/${ticket.id}/typing`, { typing: true })).status).toBe(409);
  });

  it('asks WeChat to show typing at most once per ticket per 15 s; stopping lets the next one through', async () => {
    const ticket = await ticketOfCustomerWho(0);

    const first = await call<{ sent: boolean }>('POST', `/tickets/${ticket.id}/typing`, {
      typing: true,
    });
    const again = await call<{ sent: boolean }>('POST', `/tickets/${ticket.id}/typing`, {
      typing: true,
    });
    const stopped = await call<{ sent: boolean }>('POST', `/tickets/${ticket.id}/typing`, {
      typing: false,
    });
    const afterStop = await call<{ sent: boolean }>('POST', `/tickets/${ticket.id}/typing`, {
      typing: true,
    });

    expect(
      [first, again, stopped, afterStop].map((answer) => [answer.status, answer.body.sent]),
    ).toEqual([
      [202, true],
      [202, false],
      [202, true],
      [202, true],
    ]);
    const requests = await sentToOutbound(RoutingKeys.outboundTypingRequested, ticket.id, 3);
    expect(requests.map((request) => request.data['command'])).toEqual([
      'Typing',
      'CancelTyping',
      'Typing',
    ]);
    expect(requests[0]?.data).toMatchObject({
      openId: ticket.openId,
      lastCustomerMessageAt: expect.any(String),
    });
    expect((await call('POST', `/tickets/${ticket.id}/typing`, { typing: 'yes' })).status).toBe(
      422,
    );
  });
});
