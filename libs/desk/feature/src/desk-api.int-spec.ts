import { randomBytes, randomUUID } from 'node:crypto';

import type { INestApplication } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Client } from 'pg';

import {
  createEnvelope,
  openChannelSecrets,
  RoutingKeys,
  type EventEnvelope,
  type OutboundReplyRequestedV1,
  type RoutingKey,
} from '@wechat-desk/contracts';
import { topologyNames, type TopologyNames } from '@wechat-desk/shared/messaging';
import { TEST_RABBITMQ_URL } from '@wechat-desk/shared/testing';
import { SecretBox, sleep } from '@wechat-desk/shared/util';
import { createWechatSimulatorApp, WechatSimulatorModule } from '@wechat-desk/wechat/simulator';

import type { AgentView } from './agents/agent.view';
import type { ChannelView } from './channels/channel.view';
import type { ErrorBody } from './common/desk-error';
import type { DepartmentView } from './departments/department.view';
import { startDeskApi, type RunningDeskApi } from './test-support/desk-api-harness';
import type { TicketPageView } from './tickets/list-tickets/list-tickets';
import type { MessageView } from './tickets/message.view';
import type { TicketView } from './tickets/ticket.view';

const MASTER_KEY = randomBytes(32).toString('hex');
const ADMIN = { email: 'Root@Example.com', password: 'bootstrap-password' };
const PUBLIC_BASE_URL = 'https://desk.example.test';

interface Answer<T> {
  status: number;
  body: T;
  text: string;
}

let deskApi: RunningDeskApi | undefined;
let names: TopologyNames;
let baseUrl: string;
let broker: ChannelModel;
let brokerChannel: ConfirmChannel;
let db: Client;
/** WeChat, for the credential check of new channels. */
let simulator: INestApplication;
let simulatorUrl: string;

async function call<T = unknown>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) {
    headers['authorization'] = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json') === true;
  return { status: response.status, text, body: (json ? JSON.parse(text) : undefined) as T };
}

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function publish(type: RoutingKey, data: object): Promise<void> {
  const envelope = createEnvelope(type, data);
  brokerChannel.publish(names.exchange, type, Buffer.from(JSON.stringify(envelope)), {
    persistent: true,
    mandatory: true,
    messageId: envelope.id,
    contentType: 'application/json',
  });
  await brokerChannel.waitForConfirms();
}

/** Takes messages off another service's queue until one matches (acking what it reads). */
async function takeFrom(
  queue: string,
  matches: (envelope: EventEnvelope) => boolean,
): Promise<EventEnvelope> {
  return eventually(async () => {
    const message = await brokerChannel.get(queue, { noAck: true });
    if (message === false) {
      return undefined;
    }
    const envelope = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
    return matches(envelope) ? envelope : undefined;
  }, `a matching message in ${queue}`);
}

async function login(email: string, password: string): Promise<string> {
  const answer = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
    body: { email, password },
  });
  expect(answer.status).toBe(200);
  return answer.body.accessToken;
}

function expectError(answer: Answer<unknown>, status: number, code: string): ErrorBody['error'] {
  expect(answer.status).toBe(status);
  const body = answer.body as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code, message: expect.any(String), details: expect.any(Object) });
  return body.error;
}

/** A ticket.created.v1 payload, with the customer's message that opened the ticket. */
function ticketCreated(ticket: {
  id: string;
  number: number;
  channelId: string;
  departmentId: string;
  createdAt: string;
  firstMessage?: { id: string; text: string; sentAt: string };
}) {
  const firstMessage = ticket.firstMessage ?? {
    id: randomUUID(),
    text: `ticket ${ticket.number}`,
    sentAt: ticket.createdAt,
  };
  return {
    ticketId: ticket.id,
    number: ticket.number,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    contactId: randomUUID(),
    openId: `oOpenId${ticket.number}`,
    status: 'open',
    createdAt: ticket.createdAt,
    firstMessageId: firstMessage.id,
    firstMessageType: 'text',
    firstMessageText: firstMessage.text,
    firstMessageSentAt: firstMessage.sentAt,
  };
}

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot({}), { logger: false });
  await simulator.listen(0, '127.0.0.1');
  simulatorUrl = (await simulator.getUrl()).replace('[::1]', '127.0.0.1');
  deskApi = await startDeskApi({
    label: 'desk',
    consume: true,
    env: {
      WECHAT_API_BASE_URL: simulatorUrl,
      MASTER_KEY,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      PUBLIC_BASE_URL,
    },
  });
  baseUrl = deskApi.baseUrl;
  names = topologyNames(deskApi.namespace);
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  broker = await connect(TEST_RABBITMQ_URL);
  brokerChannel = await broker.createConfirmChannel();
  await eventually(
    async () => ((await call('GET', '/health/ready')).status === 200 ? true : undefined),
    'readiness',
  );
}, 60_000);

afterAll(async () => {
  await broker?.close().catch(() => undefined);
  await db?.end();
  await deskApi?.stop();
  await simulator?.close();
}, 60_000);

describe('desk-api', () => {
  let adminToken: string;
  let support: DepartmentView;
  let sales: DepartmentView;
  let channel: ChannelView;
  const appSecret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    // The account WeChat knows, so the channel's credential check passes.
    const registered = await fetch(`${simulatorUrl}/sim/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: 'wx1234567890abcdef', appSecret }),
    });
    expect(registered.status).toBe(201);
  });

  it('serves probes and metrics at the root, without a token', async () => {
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect((await call('GET', '/health/ready')).status).toBe(200);
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('service="desk-api"');
  });

  it('logs the bootstrap admin in, whatever the e-mail case', async () => {
    const answer = await call<{ accessToken: string; agent: Record<string, unknown> }>(
      'POST',
      '/api/v1/auth/login',
      {
        body: { email: 'root@example.COM', password: ADMIN.password },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.body.agent).toEqual({
      id: expect.any(String),
      email: 'root@example.com',
      name: 'Administrator',
      role: 'admin',
    });
    adminToken = answer.body.accessToken;
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM desk.sessions');
    expect(stored.rows.map((row) => row.token_hash)).not.toContain(adminToken);
  });

  it('refuses a wrong password and an unknown e-mail alike', async () => {
    const wrongPassword = await call('POST', '/api/v1/auth/login', {
      body: { email: ADMIN.email, password: 'nope-nope' },
    });
    const unknownEmail = await call('POST', '/api/v1/auth/login', {
      body: { email: 'who@example.com', password: 'x' },
    });
    expect(expectError(wrongPassword, 401, 'INVALID_CREDENTIALS')).toEqual(
      expectError(unknownEmail, 401, 'INVALID_CREDENTIALS'),
    );
  });

  it('requires a valid bearer token everywhere else', async () => {
    expectError(await call('GET', '/api/v1/departments'), 401, 'UNAUTHENTICATED');
    expectError(
      await call('GET', '/api/v1/tickets', { token: 'x'.repeat(43) }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(await call('GET', '/api/v1/nowhere', { token: adminToken }), 404, 'NOT_FOUND');
  });

  it('answers malformed bodies in the error shape too', async () => {
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const malformed = await fetch(`${baseUrl}/api/v1/departments`, {
      method: 'POST',
      headers,
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error.code).toBe('BAD_REQUEST');
    const wrongType = await fetch(`${baseUrl}/api/v1/departments`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'Support',
    });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const missing = expectError(
      await call('POST', '/api/v1/departments', { token: adminToken }),
      422,
      'VALIDATION_FAILED',
    );
    expect(missing.details).toEqual({ fields: { name: expect.any(Array) } });
  });

  it('creates departments, refusing a name taken in any case', async () => {
    const created = await call<DepartmentView>('POST', '/api/v1/departments', {
      token: adminToken,
      body: { name: ' Support ' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Support',
      active: true,
      assignmentMode: 'round-robin',
      createdAt: expect.any(String),
    });
    support = created.body;
    sales = (
      await call<DepartmentView>('POST', '/api/v1/departments', {
        token: adminToken,
        body: { name: 'Sales' },
      })
    ).body;
    expectError(
      await call('POST', '/api/v1/departments', { token: adminToken, body: { name: 'SUPPORT' } }),
      409,
      'DUPLICATE_DEPARTMENT_NAME',
    );
    const list = await call<{ items: DepartmentView[] }>('GET', '/api/v1/departments', {
      token: adminToken,
    });
    expect(list.body.items.map((department) => department.name)).toEqual(['Sales', 'Support']);
  });

  it('creates agents without ever showing a password hash, and keeps agents out of admin routes', async () => {
    const created = await call<AgentView>('POST', '/api/v1/agents', {
      token: adminToken,
      body: {
        email: 'Ann@Example.com',
        name: 'Ann',
        password: 'ann-password',
        role: 'agent',
        departmentIds: [support.id],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 'ann@example.com',
      name: 'Ann',
      role: 'agent',
      active: true,
      departmentIds: [support.id],
      createdAt: expect.any(String),
    });
    expectError(
      await call('POST', '/api/v1/agents', {
        token: adminToken,
        body: {
          email: 'ann@example.com',
          name: 'Ann 2',
          password: 'ann-password',
          role: 'agent',
          departmentIds: [],
        },
      }),
      409,
      'DUPLICATE_EMAIL',
    );
    expectError(
      await call('POST', '/api/v1/agents', {
        token: adminToken,
        body: {
          email: 'bob@example.com',
          name: 'Bob',
          password: 'bob-password',
          role: 'agent',
          departmentIds: [randomUUID()],
        },
      }),
      422,
      'DEPARTMENT_NOT_FOUND',
    );
    const list = await call<{ items: AgentView[] }>('GET', '/api/v1/agents', { token: adminToken });
    expect(list.body.items.map((agent) => agent.email)).toEqual([
      'ann@example.com',
      'root@example.com',
    ]);
    expect(list.text).not.toMatch(/password|scrypt/i);

    const annToken = await login('ann@example.com', 'ann-password');
    expectError(await call('GET', '/api/v1/agents', { token: annToken }), 403, 'FORBIDDEN');
  });

  it('creates a channel with generated credentials and keeps the AppSecret sealed', async () => {
    const created = await call<ChannelView>('POST', '/api/v1/channels', {
      token: adminToken,
      body: {
        name: 'Official account',
        originalId: 'gh_97417a04a28d',
        appId: 'wx1234567890abcdef',
        appSecret,
        departmentId: support.id,
      },
    });
    expect(created.status).toBe(201);
    channel = created.body;
    expect(channel).toEqual({
      id: expect.any(String),
      name: 'Official account',
      originalId: 'gh_97417a04a28d',
      appId: 'wx1234567890abcdef',
      departmentId: support.id,
      enabled: true,
      encryptionMode: 'secure',
      replyPolicy: 'desk-classic',
      callbackUrl: `${PUBLIC_BASE_URL}/wechat/${channel.id}`,
      token: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      encodingAesKey: expect.stringMatching(/^[A-Za-z0-9]{43}$/),
      iconUrl: null,
      createdAt: expect.any(String),
    });
    expect(created.text).not.toContain(appSecret);

    const row = await db.query<{ sealed_secrets: string }>(
      'SELECT * FROM desk.channels WHERE id = $1',
      [channel.id],
    );
    expect(JSON.stringify(row.rows[0])).not.toContain(appSecret);
    const secrets = openChannelSecrets(
      SecretBox.fromMasterKey(MASTER_KEY),
      channel.id,
      row.rows[0].sealed_secrets,
    );
    expect(secrets).toEqual({
      token: channel.token,
      encodingAesKey: channel.encodingAesKey,
      previousEncodingAesKey: null,
      appSecret,
    });

    const one = await call<ChannelView>('GET', `/api/v1/channels/${channel.id}`, {
      token: adminToken,
    });
    expect(one.body).toEqual(channel);
    const all = await call<{ items: ChannelView[] }>('GET', '/api/v1/channels', {
      token: adminToken,
    });
    expect(all.body.items).toEqual([channel]);
    expect(all.text).not.toContain(appSecret);
    expectError(
      await call('GET', `/api/v1/channels/${randomUUID()}`, { token: adminToken }),
      404,
      'NOT_FOUND',
    );
  });

  it('refuses a duplicate AppID, an unknown department and malformed credentials', async () => {
    const body = {
      name: 'Again',
      originalId: 'gh_000000000000',
      appId: 'wx1234567890abcdef',
      appSecret,
      departmentId: support.id,
      encryptionMode: 'compatible',
    };
    expectError(
      await call('POST', '/api/v1/channels', { token: adminToken, body }),
      409,
      'DUPLICATE_APP_ID',
    );
    expectError(
      await call('POST', '/api/v1/channels', {
        token: adminToken,
        body: { ...body, appId: 'wx0000000000000000', departmentId: randomUUID() },
      }),
      422,
      'DEPARTMENT_NOT_FOUND',
    );
    const invalid = expectError(
      await call('POST', '/api/v1/channels', {
        token: adminToken,
        body: { ...body, appId: 'wx12', appSecret: 'secret', extra: true },
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect(Object.keys(invalid.details['fields'] as object).sort()).toEqual([
      'appId',
      'appSecret',
      'extra',
    ]);
    expect(JSON.stringify(invalid)).not.toContain('"secret"');
  });

  it('announces the channel to other services with its secrets sealed', async () => {
    const envelope = await takeFrom(
      names.queue('ingress'),
      (candidate) =>
        candidate.type === RoutingKeys.channelUpdated &&
        (candidate.data as { channelId?: string }).channelId === channel.id,
    );
    const data = envelope.data as { sealedSecrets: string; version: number; appId: string };
    expect(data).toMatchObject({
      version: 1,
      appId: channel.appId,
      enabled: true,
      departmentId: support.id,
    });
    expect(JSON.stringify(envelope)).not.toContain(appSecret);
    const secrets = openChannelSecrets(
      SecretBox.fromMasterKey(MASTER_KEY),
      channel.id,
      data.sealedSecrets,
    );
    expect(secrets.token).toBe(channel.token);
    expect(secrets.appSecret).toBe(appSecret);
    const outbox = await db.query('SELECT 1 FROM desk.outbox');
    expect(outbox.rowCount).toBe(0);
  });

  describe('tickets', () => {
    const ticketId = randomUUID();
    const messageId = randomUUID();
    const createdAt = '2026-11-20T08:00:00.000Z';
    let ticket: TicketView;
    let annToken: string;
    let replyId: string;

    it('projects ticket.created.v1 alone into the ticket, its opening message and both live events', async () => {
      const created = ticketCreated({
        id: ticketId,
        number: 1,
        channelId: channel.id,
        departmentId: support.id,
        createdAt,
        firstMessage: {
          id: messageId,
          text: '你好, I need help',
          sentAt: '2026-11-20T08:00:05.000Z',
        },
      });
      await publish(RoutingKeys.ticketCreated, created);
      await publish(RoutingKeys.ticketCreated, created); // a redelivery changes nothing
      const page = await eventually(async () => {
        const answer = await call<TicketPageView>('GET', '/api/v1/tickets', { token: adminToken });
        return answer.body.items[0]?.lastMessageAt === '2026-11-20T08:00:05.000Z'
          ? answer.body
          : undefined;
      }, 'the projected ticket');
      expect(page.items).toHaveLength(1);
      expect(page.nextCursor).toBeNull();
      ticket = page.items[0]!;
      expect(ticket).toEqual({
        id: ticketId,
        number: 1,
        status: 'open',
        channelId: channel.id,
        departmentId: support.id,
        contact: { id: created.contactId, openId: created.openId },
        assigneeId: null,
        createdAt,
        lastMessageAt: '2026-11-20T08:00:05.000Z',
        // The customer wrote long before today: only the monthly messages can reach them.
        replyWindow: {
          policy: 'desk-classic',
          mode: 'quota',
          freeUntil: null,
          monthly: { limit: 4, used: 0, remaining: 4 },
        },
      });
      expect(
        (await call('GET', `/api/v1/tickets/${ticketId}`, { token: adminToken })).body,
      ).toEqual(ticket);
      const messages = await call<{ items: MessageView[] }>(
        'GET',
        `/api/v1/tickets/${ticketId}/messages`,
        {
          token: adminToken,
        },
      );
      expect(messages.body).toEqual({
        items: [
          {
            id: messageId,
            direction: 'in',
            type: 'text',
            text: '你好, I need help',
            attachments: [],
            sentAt: '2026-11-20T08:00:05.000Z',
          },
        ],
      });
      // Announced together, once (the redelivery appended nothing).
      const live = await db.query<{ type: string; data: unknown }>(
        'SELECT type, data FROM desk.live_events WHERE ticket_id = $1 ORDER BY seq',
        [ticketId],
      );
      expect(live.rows).toEqual([
        { type: 'ticket.created', data: { ...ticket, replyWindow: null } },
        { type: 'message.added', data: messages.body.items[0] },
      ]);
    });

    it('waits for the ticket of a message that arrived before it (retried, not lost)', async () => {
      const lateTicketId = randomUUID();
      // The customer's second message, projected before the ticket its first one opened.
      await publish(RoutingKeys.ticketMessageAdded, {
        ticketId: lateTicketId,
        messageId: randomUUID(),
        channelId: channel.id,
        direction: 'in',
        type: 'text',
        text: 'early bird',
        sentAt: '2026-11-19T09:00:01.000Z',
      });
      await sleep(100);
      await publish(
        RoutingKeys.ticketCreated,
        ticketCreated({
          id: lateTicketId,
          number: 2,
          channelId: channel.id,
          departmentId: sales.id,
          createdAt: '2026-11-19T09:00:00.000Z',
          firstMessage: { id: randomUUID(), text: 'hello?', sentAt: '2026-11-19T09:00:00.000Z' },
        }),
      );
      const messages = await eventually(async () => {
        const answer = await call<{ items: MessageView[] }>(
          'GET',
          `/api/v1/tickets/${lateTicketId}/messages`,
          {
            token: adminToken,
          },
        );
        return answer.status === 200 && answer.body.items.length === 2
          ? answer.body.items
          : undefined;
      }, 'the retried message');
      expect(messages.map((message) => message.text)).toEqual(['hello?', 'early bird']);
    });

    it('scopes tickets to the agent’s associated channels: others are 404', async () => {
      annToken = await login('ann@example.com', 'ann-password');
      const annId = (
        await call<{ items: AgentView[] }>('GET', '/api/v1/agents', { token: adminToken })
      ).body.items.find((agent) => agent.email === 'ann@example.com')!.id;
      expect(
        (
          await call('PUT', `/api/v1/departments/${support.id}/agents/${annId}/channels`, {
            token: adminToken,
            body: { channelIds: [channel.id] },
          })
        ).status,
      ).toBe(200);
      const mine = await call<TicketPageView>('GET', '/api/v1/tickets', { token: annToken });
      expect(mine.body.items.map((item) => item.id)).toEqual([ticketId]);
      const salesTicket = (
        await call<TicketPageView>('GET', `/api/v1/tickets?departmentId=${sales.id}`, {
          token: adminToken,
        })
      ).body.items[0];
      expectError(
        await call('GET', `/api/v1/tickets/${salesTicket.id}`, { token: annToken }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('GET', `/api/v1/tickets/${salesTicket.id}/messages`, { token: annToken }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('POST', `/api/v1/tickets/${salesTicket.id}/messages`, {
          token: annToken,
          body: { type: 'text', text: 'hi' },
        }),
        404,
        'NOT_FOUND',
      );
    });

    it('pages by last activity with an opaque cursor', async () => {
      for (let number = 3; number <= 5; number += 1) {
        await publish(
          RoutingKeys.ticketCreated,
          ticketCreated({
            id: randomUUID(),
            number,
            channelId: channel.id,
            departmentId: support.id,
            createdAt: `2026-11-1${number}T00:00:00.000Z`,
          }),
        );
      }
      await eventually(async () => {
        const answer = await call<TicketPageView>('GET', '/api/v1/tickets?limit=100', {
          token: adminToken,
        });
        return answer.body.items.length === 5 ? true : undefined;
      }, 'five tickets');
      const first = await call<TicketPageView>('GET', '/api/v1/tickets?limit=2&status=open', {
        token: adminToken,
      });
      expect(first.body.items.map((item) => item.number)).toEqual([1, 2]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await call<TicketPageView>(
        'GET',
        `/api/v1/tickets?limit=2&status=open&cursor=${first.body.nextCursor!}`,
        { token: adminToken },
      );
      expect(second.body.items.map((item) => item.number)).toEqual([5, 4]);
      const third = await call<TicketPageView>(
        'GET',
        `/api/v1/tickets?limit=2&status=open&cursor=${second.body.nextCursor!}`,
        { token: adminToken },
      );
      expect(third.body).toEqual({
        items: [expect.objectContaining({ number: 3 })],
        nextCursor: null,
      });
      expect(
        (
          await call<TicketPageView>('GET', `/api/v1/tickets?channelId=${randomUUID()}`, {
            token: adminToken,
          })
        ).body.items,
      ).toEqual([]);
      expectError(
        await call('GET', '/api/v1/tickets?cursor=bogus', { token: adminToken }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(
        await call('GET', '/api/v1/tickets?limit=0', { token: adminToken }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('queues a reply: 202, a queued message, and outbound.reply.requested.v1 for outbound', async () => {
      const answer = await call<{ id: string; status: string }>(
        'POST',
        `/api/v1/tickets/${ticketId}/messages`,
        {
          token: annToken,
          body: { type: 'text', text: '  Hello from the desk  ' },
        },
      );
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ id: expect.any(String), status: 'queued' });
      replyId = answer.body.id;

      const request = await takeFrom(
        names.queue('outbound'),
        (envelope) =>
          envelope.type === RoutingKeys.outboundReplyRequested &&
          (envelope.data as OutboundReplyRequestedV1).replyId === replyId,
      );
      const annId = (
        await call<{ items: AgentView[] }>('GET', '/api/v1/agents', { token: adminToken })
      ).body.items.find((agent) => agent.email === 'ann@example.com')!.id;
      expect(request.data).toEqual({
        replyId,
        ticketId,
        channelId: channel.id,
        openId: ticket.contact.openId,
        agentId: annId,
        type: 'text',
        text: 'Hello from the desk',
        // The desk's view of the customer travels with the reply: outbound decides from it too.
        lastCustomerMessageAt: ticket.lastMessageAt,
        requestedAt: expect.any(String),
      });

      const messages = await call<{ items: MessageView[] }>(
        'GET',
        `/api/v1/tickets/${ticketId}/messages`,
        { token: annToken },
      );
      expect(messages.body.items[1]).toEqual({
        id: replyId,
        direction: 'out',
        type: 'text',
        text: 'Hello from the desk',
        attachments: [],
        sentAt: expect.any(String),
        status: 'queued',
      });
    });

    it('shows delivery status: sent, or failed with the reason', async () => {
      await publish(RoutingKeys.outboundReplySent, {
        replyId,
        ticketId,
        channelId: channel.id,
        openId: ticket.contact.openId,
        sentAt: new Date().toISOString(),
      });
      const failing = await call<{ id: string }>('POST', `/api/v1/tickets/${ticketId}/messages`, {
        token: adminToken,
        body: { type: 'text', text: 'second' },
      });
      await publish(RoutingKeys.outboundReplyFailed, {
        replyId: failing.body.id,
        ticketId,
        channelId: channel.id,
        openId: ticket.contact.openId,
        code: 'WECHAT_REFUSED',
        message: 'The customer has not written for more than 48 hours',
        wechatErrcode: 45015,
        failedAt: new Date().toISOString(),
      });
      const items = await eventually(async () => {
        const answer = await call<{ items: MessageView[] }>(
          'GET',
          `/api/v1/tickets/${ticketId}/messages`,
          {
            token: adminToken,
          },
        );
        const statuses = answer.body.items.map((item) => item.status);
        return statuses[1] === 'sent' && statuses[2] === 'failed' ? answer.body.items : undefined;
      }, 'the delivery statuses');
      expect(items[1]).toMatchObject({ id: replyId, status: 'sent' });
      expect(items[1].failure).toBeUndefined();
      expect(items[2]).toMatchObject({
        id: failing.body.id,
        status: 'failed',
        failure: {
          code: 'WECHAT_REFUSED',
          message: 'The customer has not written for more than 48 hours',
        },
      });
    });

    it('refuses blank or over-long replies, unknown tickets and disabled channels', async () => {
      const blank = expectError(
        await call('POST', `/api/v1/tickets/${ticketId}/messages`, {
          token: adminToken,
          body: { type: 'text', text: '   ' },
        }),
        422,
        'VALIDATION_FAILED',
      );
      expect(blank.details).toEqual({ fields: { text: [expect.any(String)] } });
      expectError(
        await call('POST', `/api/v1/tickets/${ticketId}/messages`, {
          token: adminToken,
          body: { type: 'text', text: 'x'.repeat(2049) },
        }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(
        await call('GET', `/api/v1/tickets/${randomUUID()}`, { token: adminToken }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('GET', '/api/v1/tickets/not-a-uuid/messages', { token: adminToken }),
        404,
        'NOT_FOUND',
      );

      // Disabling arrives with the channel admin routes; the state is set directly here.
      await db.query('UPDATE desk.channels SET enabled = false WHERE id = $1', [channel.id]);
      expectError(
        await call('POST', `/api/v1/tickets/${ticketId}/messages`, {
          token: adminToken,
          body: { type: 'text', text: 'hi' },
        }),
        409,
        'CHANNEL_DISABLED',
      );
    });
  });
});
