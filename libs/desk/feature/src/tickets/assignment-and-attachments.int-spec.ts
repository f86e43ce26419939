import { randomBytes, randomUUID } from 'node:crypto';

import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Client } from 'pg';

import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type RoutingKey,
  type TicketStatusChangeRequestedV1,
} from '@wechat-desk/contracts';
import { BlobStore } from '@wechat-desk/shared/blob-store';
import { topologyNames, type TopologyNames } from '@wechat-desk/shared/messaging';
import { TEST_RABBITMQ_URL } from '@wechat-desk/shared/testing';
import { sleep } from '@wechat-desk/shared/util';

import type { AgentView } from '../agents/agent.view';
import type { ErrorBody } from '../common/desk-error';
import type { DepartmentView } from '../departments/department.view';
import { startDeskApi, type RunningDeskApi } from '../test-support/desk-api-harness';
import { insertChannelRow } from '../test-support/desk-rows';
import type { MessageView } from './message.view';
import type { TicketView } from './ticket.view';

const ADMIN = { email: 'root@example.com', password: 'bootstrap-password' };

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
  bytes: Buffer;
}

let deskApi: RunningDeskApi | undefined;
let names: TopologyNames;
let baseUrl: string;
let broker: ChannelModel;
let brokerChannel: ConfirmChannel;
let db: Client;

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
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get('content-type')?.startsWith('application/json') === true;
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    body: (json ? JSON.parse(bytes.toString('utf8')) : undefined) as T,
  };
}

function expectError(answer: Answer<unknown>, status: number, code: string): ErrorBody['error'] {
  expect({ status: answer.status, code: (answer.body as ErrorBody).error?.code }).toEqual({
    status,
    code,
  });
  return (answer.body as ErrorBody).error;
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

interface LiveEventRow {
  seq: string;
  type: string;
  channel_id: string;
  department_id: string;
  data: Record<string, unknown>;
}

async function liveEvents(ticketId: string): Promise<LiveEventRow[]> {
  const rows = await db.query<LiveEventRow>(
    'SELECT seq, type, channel_id, department_id, data FROM desk.live_events WHERE ticket_id = $1 ORDER BY seq',
    [ticketId],
  );
  return rows.rows;
}

interface TicketRow {
  status: string;
  assignee_id: string | null;
  status_version: number;
}

async function ticketRow(id: string): Promise<TicketRow | undefined> {
  const rows = await db.query<TicketRow>(
    'SELECT status, assignee_id, status_version FROM desk.ticket_views WHERE id = $1',
    [id],
  );
  return rows.rows[0];
}

/** The customer's message that opened a ticket, as ticket.created.v1 carries it. */
function openingMessage(sentAt: string, message: { id?: string; type?: string } = {}) {
  return {
    firstMessageId: message.id ?? randomUUID(),
    firstMessageType: message.type ?? 'text',
    ...(message.type === undefined ? { firstMessageText: 'hello, anyone?' } : {}),
    firstMessageSentAt: sentAt,
  };
}

let numbers = 100;
async function createTicket(channelId: string, departmentId: string): Promise<string> {
  numbers += 1;
  const id = randomUUID();
  const createdAt = new Date(Date.UTC(2026, 10, 20, 8, 0, numbers)).toISOString();
  await publish(RoutingKeys.ticketCreated, {
    ticketId: id,
    number: numbers,
    channelId,
    departmentId,
    contactId: randomUUID(),
    openId: `oOpen${numbers}`,
    status: 'open',
    createdAt,
    ...openingMessage(createdAt),
  });
  await eventually(async () => ((await ticketRow(id)) === undefined ? undefined : true), id);
  return id;
}

async function addMessage(
  ticketId: string,
  channelId: string,
  message: { id?: string; type?: string; text?: string; sentAt: string },
): Promise<string> {
  const id = message.id ?? randomUUID();
  await publish(RoutingKeys.ticketMessageAdded, {
    ticketId,
    messageId: id,
    channelId,
    direction: 'in',
    type: message.type ?? 'text',
    ...(message.text === undefined ? {} : { text: message.text }),
    sentAt: message.sentAt,
  });
  return id;
}

function statusChanged(
  ticket: { id: string; channelId: string; departmentId: string },
  status: 'open' | 'closed',
  version: number,
  cause: 'agent' | 'customer-message' | 'refused-close',
) {
  return {
    ticketId: ticket.id,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    status,
    version,
    cause,
    changedAt: new Date().toISOString(),
  };
}

beforeAll(async () => {
  deskApi = await startDeskApi({
    label: 'desk_assign',
    consume: true,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  baseUrl = deskApi.baseUrl;
  names = topologyNames(deskApi.namespace);
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  broker = await connect(TEST_RABBITMQ_URL);
  brokerChannel = await broker.createConfirmChannel();
}, 60_000);

afterAll(async () => {
  await broker?.close().catch(() => undefined);
  await db?.end();
  await deskApi?.stop();
}, 60_000);

describe('tickets: assignment, status, attachments', () => {
  let adminToken: string;
  let support: DepartmentView;
  let other: DepartmentView;
  let manual: DepartmentView;
  let channelId: string;
  let manualChannelId: string;
  const agents: Record<'ann' | 'bob' | 'cid' | 'dave', AgentView> = {} as never;
  const tokens: Record<string, string> = {};
  /** The two active agents of the support channel, by id (round-robin order). */
  let first: string;
  let second: string;
  const tickets: string[] = [];

  const ticket = (id: string) => ({ id, channelId, departmentId: support.id });

  beforeAll(async () => {
    adminToken = await login(ADMIN.email, ADMIN.password);
    const department = async (body: object): Promise<DepartmentView> => {
      const answer = await call<DepartmentView>('POST', '/api/v1/departments', {
        token: adminToken,
        body,
      });
      expect(answer.status).toBe(201);
      return answer.body;
    };
    support = await department({ name: 'Support' });
    other = await department({ name: 'Other' });
    manual = await department({ name: 'Manual', assignmentMode: 'unassigned' });
    channelId = await insertChannelRow(db, support.id);
    manualChannelId = await insertChannelRow(db, manual.id);
    const otherChannelId = await insertChannelRow(db, other.id);

    for (const [name, departmentIds] of [
      ['ann', [support.id, manual.id]],
      ['bob', [support.id]],
      ['cid', [support.id]],
      ['dave', [other.id]],
    ] as const) {
      const created = await call<AgentView>('POST', '/api/v1/agents', {
        token: adminToken,
        body: {
          email: `${name}@example.com`,
          name,
          password: `${name}-password`,
          role: 'agent',
          departmentIds,
        },
      });
      expect(created.status).toBe(201);
      agents[name] = created.body;
      tokens[name] = await login(`${name}@example.com`, `${name}-password`);
    }
    const associate = async (departmentId: string, agentId: string, channelIds: string[]) => {
      const answer = await call(
        'PUT',
        `/api/v1/departments/${departmentId}/agents/${agentId}/channels`,
        { token: adminToken, body: { channelIds } },
      );
      expect(answer.status).toBe(200);
    };
    await associate(support.id, agents.ann.id, [channelId]);
    await associate(support.id, agents.bob.id, [channelId]);
    await associate(support.id, agents.cid.id, [channelId]);
    await associate(manual.id, agents.ann.id, [manualChannelId]);
    await associate(other.id, agents.dave.id, [otherChannelId]);
    expect(
      (await call('POST', `/api/v1/agents/${agents.cid.id}/deactivate`, { token: adminToken }))
        .status,
    ).toBe(200);
    [first, second] = [agents.ann.id, agents.bob.id].sort() as [string, string];
  }, 30_000);

  it('shows and changes the department assignment mode (audited)', async () => {
    expect(support.assignmentMode).toBe('round-robin');
    expect(manual.assignmentMode).toBe('unassigned');
    const changed = await call<DepartmentView>('PATCH', `/api/v1/departments/${other.id}`, {
      token: adminToken,
      body: { assignmentMode: 'unassigned' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...other, assignmentMode: 'unassigned' });
    const back = await call<DepartmentView>('PATCH', `/api/v1/departments/${other.id}`, {
      token: adminToken,
      body: { assignmentMode: 'round-robin' },
    });
    expect(back.body.assignmentMode).toBe('round-robin');
    expectError(
      await call('PATCH', `/api/v1/departments/${other.id}`, { token: adminToken, body: {} }),
      422,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', `/api/v1/departments/${other.id}`, {
        token: adminToken,
        body: { assignmentMode: 'random' },
      }),
      422,
      'VALIDATION_FAILED',
    );
    const audit = await db.query(
      `SELECT changes FROM desk.audit_log WHERE action = 'department.updated' AND target_id = $1 ORDER BY id`,
      [other.id],
    );
    expect(audit.rows[0].changes).toEqual({
      before: { assignmentMode: 'round-robin' },
      after: { assignmentMode: 'unassigned' },
    });
  });

  it('assigns new tickets round-robin among the active associated agents', async () => {
    for (let i = 0; i < 3; i += 1) {
      tickets.push(await createTicket(channelId, support.id));
    }
    const assignees: Array<string | null | undefined> = [];
    for (const id of tickets) {
      assignees.push((await ticketRow(id))?.assignee_id);
    }
    expect(assignees).toEqual([first, second, first]);
    const view = await call<TicketView>('GET', `/api/v1/tickets/${tickets[1]}`, {
      token: tokens['ann'],
    });
    expect(view.body.assigneeId).toBe(second);
    const events = await liveEvents(tickets[1]);
    expect(events.map((event) => event.type)).toEqual(['ticket.created', 'message.added']);
    expect(events[0]).toMatchObject({ channel_id: channelId, department_id: support.id });
    // The stream's tickets leave the reply window out (it changes with the clock).
    expect(events[0].data).toEqual({ ...view.body, replyWindow: null });
    // A redelivery changes nothing and announces nothing.
    const again = await db.query('SELECT number FROM desk.ticket_views WHERE id = $1', [
      tickets[0],
    ]);
    await publish(RoutingKeys.ticketCreated, {
      ticketId: tickets[0],
      number: Number(again.rows[0].number),
      channelId,
      departmentId: support.id,
      contactId: randomUUID(),
      openId: 'oOpenAgain',
      status: 'open',
      createdAt: new Date().toISOString(),
      ...openingMessage(new Date().toISOString()),
    });
    await sleep(300);
    expect(await liveEvents(tickets[0])).toHaveLength(2);
    expect((await ticketRow(tickets[0]))?.assignee_id).toBe(first);
  });

  it('leaves tickets of an unassigned-mode department unassigned', async () => {
    const id = await createTicket(manualChannelId, manual.id);
    expect((await ticketRow(id))?.assignee_id).toBeNull();
    expect((await liveEvents(id)).map((event) => event.type)).toEqual([
      'ticket.created',
      'message.added',
    ]);
  });

  it('projects ticket.status.changed.v1 by version: older or repeated versions change nothing', async () => {
    const id = tickets[0];
    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'closed', 3, 'agent'));
    await eventually(
      async () => ((await ticketRow(id))?.status_version === 3 ? true : undefined),
      'version 3',
    );
    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'open', 2, 'agent'));
    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'closed', 3, 'agent'));
    await sleep(300);
    expect(await ticketRow(id)).toEqual({
      status: 'closed',
      assignee_id: first,
      status_version: 3,
    });
    const events = await liveEvents(id);
    expect(events.map((event) => event.type)).toEqual([
      'ticket.created',
      'message.added',
      'ticket.updated',
    ]);
    expect(events[2].data).toMatchObject({ id, status: 'closed', assigneeId: first });
  });

  it('retries a status change whose ticket is not projected yet', async () => {
    const id = randomUUID();
    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'closed', 2, 'agent'));
    await sleep(100);
    numbers += 1;
    await publish(RoutingKeys.ticketCreated, {
      ticketId: id,
      number: numbers,
      channelId,
      departmentId: support.id,
      contactId: randomUUID(),
      openId: 'oOpenLate',
      status: 'open',
      createdAt: new Date().toISOString(),
      ...openingMessage(new Date().toISOString()),
    });
    await eventually(
      async () => ((await ticketRow(id))?.status === 'closed' ? true : undefined),
      'the retried status',
    );
  });

  it('keeps the agent of a reopened ticket while active, else reassigns it', async () => {
    const id = tickets[0];
    await publish(
      RoutingKeys.ticketStatusChanged,
      statusChanged(ticket(id), 'open', 4, 'customer-message'),
    );
    await eventually(
      async () => ((await ticketRow(id))?.status_version === 4 ? true : undefined),
      'version 4',
    );
    expect((await ticketRow(id))?.assignee_id).toBe(first);

    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'closed', 5, 'agent'));
    expect(
      (await call('POST', `/api/v1/agents/${first}/deactivate`, { token: adminToken })).status,
    ).toBe(200);
    try {
      await publish(
        RoutingKeys.ticketStatusChanged,
        statusChanged(ticket(id), 'open', 6, 'customer-message'),
      );
      await eventually(
        async () => ((await ticketRow(id))?.status_version === 6 ? true : undefined),
        'version 6',
      );
      expect(await ticketRow(id)).toEqual({
        status: 'open',
        assignee_id: second,
        status_version: 6,
      });
      const events = await liveEvents(id);
      expect(events.map((event) => event.type)).toEqual([
        'ticket.created',
        'message.added',
        'ticket.updated',
        'ticket.updated',
        'ticket.updated',
        'ticket.updated',
      ]);
      expect(events[5].data).toMatchObject({ status: 'open', assigneeId: second });
    } finally {
      expect(
        (await call('POST', `/api/v1/agents/${first}/activate`, { token: adminToken })).status,
      ).toBe(200);
      tokens['ann'] = await login('ann@example.com', 'ann-password');
      tokens['bob'] = await login('bob@example.com', 'bob-password');
    }
  });

  it('changes the status optimistically and asks ticketing, which confirms or reverts it', async () => {
    const id = tickets[1];
    const seenAt = '2026-11-20T09:00:00.000Z';
    const hello = await addMessage(id, channelId, { text: 'hello', sentAt: seenAt });
    await eventually(async () => {
      const events = await liveEvents(id);
      return events.some((event) => event.type === 'message.added' && event.data['id'] === hello)
        ? true
        : undefined;
    }, 'the message');
    const before = (await liveEvents(id)).length;

    const patched = await call<TicketView>('PATCH', `/api/v1/tickets/${id}`, {
      token: tokens['ann'],
      body: { status: 'closed' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, status: 'closed', assigneeId: second });
    expect(
      (await call<TicketView>('GET', `/api/v1/tickets/${id}`, { token: tokens['ann'] })).body
        .status,
    ).toBe('closed');
    const request = await takeFrom(
      names.queue('ticketing'),
      (envelope) =>
        envelope.type === RoutingKeys.ticketStatusChangeRequested &&
        (envelope.data as TicketStatusChangeRequestedV1).ticketId === id,
    );
    expect(request.data).toEqual({
      ticketId: id,
      status: 'closed',
      agentId: agents.ann.id,
      seenCustomerMessageAt: seenAt,
      requestedAt: expect.any(String),
    });
    const events = await liveEvents(id);
    expect(events.slice(before).map((event) => event.type)).toEqual(['ticket.updated']);
    expect(events[events.length - 1].data).toEqual({ ...patched.body, replyWindow: null });

    // The same status again asks nothing and announces nothing.
    expect(
      (
        await call('PATCH', `/api/v1/tickets/${id}`, {
          token: tokens['ann'],
          body: { status: 'closed' },
        })
      ).status,
    ).toBe(200);
    expect(await liveEvents(id)).toHaveLength(before + 1);

    // Ticketing confirms: the view already shows it, so no live event.
    await publish(RoutingKeys.ticketStatusChanged, statusChanged(ticket(id), 'closed', 2, 'agent'));
    await eventually(
      async () => ((await ticketRow(id))?.status_version === 2 ? true : undefined),
      'the confirmation',
    );
    expect(await liveEvents(id)).toHaveLength(before + 1);

    // A refused close (the customer wrote after what the agent saw) reverts the optimistic close.
    const other = tickets[2];
    const closed = await call<TicketView>('PATCH', `/api/v1/tickets/${other}`, {
      token: tokens['bob'],
      body: { status: 'closed' },
    });
    expect(closed.body.status).toBe('closed');
    const refusal = await takeFrom(
      names.queue('ticketing'),
      (envelope) => (envelope.data as TicketStatusChangeRequestedV1).ticketId === other,
    );
    // What the agent saw: the message that opened the ticket (sent as the ticket was created).
    expect(refusal.data).toMatchObject({ seenCustomerMessageAt: closed.body.createdAt });
    await publish(
      RoutingKeys.ticketStatusChanged,
      statusChanged(ticket(other), 'open', 2, 'refused-close'),
    );
    await eventually(
      async () => ((await ticketRow(other))?.status === 'open' ? true : undefined),
      'the revert',
    );
    const otherEvents = await liveEvents(other);
    expect(otherEvents.map((event) => event.type)).toEqual([
      'ticket.created',
      'message.added',
      'ticket.updated',
      'ticket.updated',
    ]);
    expect(otherEvents[3].data).toMatchObject({ status: 'open' });
    expect(
      (await call<TicketView>('GET', `/api/v1/tickets/${other}`, { token: tokens['bob'] })).body
        .status,
    ).toBe('open');
  });

  it('assigns, refuses ineligible agents, and unassigns through PATCH', async () => {
    const id = tickets[2];
    expect((await ticketRow(id))?.assignee_id).toBe(first);
    const before = (await liveEvents(id)).length;
    const reassigned = await call<TicketView>('PATCH', `/api/v1/tickets/${id}`, {
      token: tokens['bob'],
      body: { assigneeId: second },
    });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.assigneeId).toBe(second);
    expect((await ticketRow(id))?.assignee_id).toBe(second);
    // The same assignee again changes nothing.
    expect(
      (
        await call('PATCH', `/api/v1/tickets/${id}`, {
          token: tokens['bob'],
          body: { assigneeId: second },
        })
      ).status,
    ).toBe(200);

    for (const ineligible of [agents.cid.id, agents.dave.id, randomUUID()]) {
      const refused = expectError(
        await call('PATCH', `/api/v1/tickets/${id}`, {
          token: adminToken,
          body: { assigneeId: ineligible },
        }),
        422,
        'ASSIGNEE_NOT_ELIGIBLE',
      );
      expect(refused.details).toMatchObject({ assigneeId: ineligible });
    }
    expect((await ticketRow(id))?.assignee_id).toBe(second);

    const unassigned = await call<TicketView>('PATCH', `/api/v1/tickets/${id}`, {
      token: adminToken,
      body: { assigneeId: null },
    });
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.assigneeId).toBeNull();

    const events = (await liveEvents(id)).slice(before);
    expect(events.map((event) => event.type)).toEqual(['ticket.updated', 'ticket.updated']);
    expect(events.map((event) => event.data['assigneeId'])).toEqual([second, null]);
    const audit = await db.query(
      `SELECT actor_id, changes FROM desk.audit_log WHERE action = 'ticket.assigned' AND target_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.rows).toEqual([
      {
        actor_id: agents.bob.id,
        changes: { before: { assigneeId: first }, after: { assigneeId: second } },
      },
      {
        actor_id: expect.any(String),
        changes: { before: { assigneeId: second }, after: { assigneeId: null } },
      },
    ]);
  });

  it('validates PATCH bodies and scopes PATCH like GET', async () => {
    const id = tickets[2];
    expectError(
      await call('PATCH', `/api/v1/tickets/${id}`, { token: adminToken, body: {} }),
      422,
      'VALIDATION_FAILED',
    );
    const unknown = expectError(
      await call('PATCH', `/api/v1/tickets/${id}`, {
        token: adminToken,
        body: { status: 'closed', priority: 'high' },
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect(Object.keys(unknown.details['fields'] as object)).toEqual(['priority']);
    expectError(
      await call('PATCH', `/api/v1/tickets/${id}`, {
        token: adminToken,
        body: { status: 'pending', assigneeId: 'someone' },
      }),
      422,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', `/api/v1/tickets/${id}`, {
        token: tokens['dave'],
        body: { status: 'closed' },
      }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call('PATCH', `/api/v1/tickets/${randomUUID()}`, {
        token: adminToken,
        body: { status: 'closed' },
      }),
      404,
      'NOT_FOUND',
    );
    expect((await ticketRow(id))?.status).toBe('open');
  });

  describe('attachments', () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(2048)]);
    const imageId = randomUUID();
    const documentId = randomUUID();
    let imageMessageId: string;

    it('lists a stored attachment on its message and serves its bytes with safe headers', async () => {
      const id = tickets[1];
      imageMessageId = await addMessage(id, channelId, {
        type: 'image',
        sentAt: '2026-11-20T09:05:00.000Z',
      });
      await eventually(
        async () =>
          (await liveEvents(id)).some(
            (event) => event.type === 'message.added' && event.data['id'] === imageMessageId,
          )
            ? true
            : undefined,
        'the image message',
      );
      const blobs = deskApi!.app.get(BlobStore);
      await blobs.put(imageId, { bytes, contentType: 'image/png' });
      await blobs.put(documentId, {
        bytes: Buffer.from('%PDF-1.4'),
        contentType: 'application/pdf',
      });
      const stored = {
        attachmentId: imageId,
        messageId: imageMessageId,
        channelId,
        role: 'media',
        mimeType: 'image/png',
        size: bytes.length,
      };
      await publish(RoutingKeys.conversationAttachmentStored, stored);
      await publish(RoutingKeys.conversationAttachmentStored, stored); // a redelivery
      // A late failure of a stored attachment changes nothing (stored wins).
      await publish(RoutingKeys.conversationAttachmentFailed, {
        attachmentId: imageId,
        messageId: imageMessageId,
        channelId,
        role: 'media',
        code: 'MEDIA_DOWNLOAD_FAILED',
        message: 'late',
        attempts: 5,
      });
      await publish(RoutingKeys.conversationAttachmentStored, {
        ...stored,
        attachmentId: documentId,
        role: 'thumbnail',
        mimeType: 'application/pdf',
        size: 8,
      });
      const message = await eventually(async () => {
        const answer = await call<{ items: MessageView[] }>(
          'GET',
          `/api/v1/tickets/${id}/messages`,
          { token: tokens['ann'] },
        );
        const found = answer.body.items.find((item) => item.id === imageMessageId);
        return found?.attachments.length === 2 ? found : undefined;
      }, 'the attachments');
      expect(message).toEqual({
        id: imageMessageId,
        direction: 'in',
        type: 'image',
        attachments: [
          {
            id: imageId,
            role: 'media',
            mimeType: 'image/png',
            size: bytes.length,
            url: `/api/v1/attachments/${imageId}`,
          },
          {
            id: documentId,
            role: 'thumbnail',
            mimeType: 'application/pdf',
            size: 8,
            url: `/api/v1/attachments/${documentId}`,
          },
        ],
        sentAt: '2026-11-20T09:05:00.000Z',
      });
      await sleep(300);
      const updates = (await liveEvents(id)).filter(
        (event) => event.type === 'message.updated' && event.data['id'] === imageMessageId,
      );
      expect(updates).toHaveLength(2);
      expect(updates[1].data).toEqual(message);

      const served = await call('GET', message.attachments[0].url, { token: tokens['ann'] });
      expect(served.status).toBe(200);
      expect(served.bytes.equals(bytes)).toBe(true);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('content-length')).toBe(String(bytes.length));
      expect(served.headers.get('cache-control')).toBe('private');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-disposition')).toBe('inline');
      const document = await call('GET', `/api/v1/attachments/${documentId}`, {
        token: adminToken,
      });
      expect(document.bytes.toString()).toBe('%PDF-1.4');
      expect(document.headers.get('content-disposition')).toBe('attachment');
    });

    it('shows on a ticket’s opening message the attachments reported before the ticket', async () => {
      const id = randomUUID();
      const messageId = randomUUID();
      const attachmentId = randomUUID();
      await publish(RoutingKeys.conversationAttachmentStored, {
        attachmentId,
        messageId,
        channelId: manualChannelId,
        role: 'media',
        mimeType: 'image/jpeg',
        size: 42,
      });
      await eventually(async () => {
        const rows = await db.query('SELECT 1 FROM desk.attachment_views WHERE id = $1', [
          attachmentId,
        ]);
        return rows.rowCount === 1 ? true : undefined;
      }, 'the early attachment');
      numbers += 1;
      await publish(RoutingKeys.ticketCreated, {
        ticketId: id,
        number: numbers,
        channelId: manualChannelId,
        departmentId: manual.id,
        contactId: randomUUID(),
        openId: 'oOpenImage',
        status: 'open',
        createdAt: '2026-11-20T09:20:01.000Z',
        ...openingMessage('2026-11-20T09:20:00.000Z', { id: messageId, type: 'image' }),
      });
      const messages = await eventually(async () => {
        const answer = await call<{ items: MessageView[] }>(
          'GET',
          `/api/v1/tickets/${id}/messages`,
          { token: adminToken },
        );
        return answer.status === 200 ? answer.body.items : undefined;
      }, 'the ticket with its opening message');
      expect(messages).toEqual([
        {
          id: messageId,
          direction: 'in',
          type: 'image',
          attachments: [
            {
              id: attachmentId,
              role: 'media',
              mimeType: 'image/jpeg',
              size: 42,
              url: `/api/v1/attachments/${attachmentId}`,
            },
          ],
          sentAt: '2026-11-20T09:20:00.000Z',
        },
      ]);
      const events = await liveEvents(id);
      expect(events.map((event) => event.type)).toEqual(['ticket.created', 'message.added']);
      expect(events[1].data).toEqual(messages[0]);
    });

    it('answers 404 for attachments out of scope, unknown or failed', async () => {
      expectError(
        await call('GET', `/api/v1/attachments/${imageId}`, { token: tokens['dave'] }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('GET', `/api/v1/attachments/${randomUUID()}`, { token: adminToken }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await call('GET', '/api/v1/attachments/not-a-uuid', { token: adminToken }),
        404,
        'NOT_FOUND',
      );
      expect((await call('GET', `/api/v1/attachments/${imageId}`)).status).toBe(401);
    });

    it('shows a failed download as the message failure, whatever arrives first', async () => {
      const id = tickets[1];
      const messageId = randomUUID();
      const failedId = randomUUID();
      await publish(RoutingKeys.conversationAttachmentFailed, {
        attachmentId: failedId,
        messageId,
        channelId,
        role: 'media',
        code: 'MEDIA_EXPIRED',
        message: 'WeChat no longer has this media',
        attempts: 3,
      });
      await eventually(async () => {
        const rows = await db.query('SELECT 1 FROM desk.attachment_views WHERE id = $1', [
          failedId,
        ]);
        return rows.rowCount === 1 ? true : undefined;
      }, 'the failed attachment');
      await addMessage(id, channelId, {
        id: messageId,
        type: 'voice',
        sentAt: '2026-11-20T09:10:00.000Z',
      });
      const message = await eventually(async () => {
        const answer = await call<{ items: MessageView[] }>(
          'GET',
          `/api/v1/tickets/${id}/messages`,
          { token: adminToken },
        );
        return answer.body.items.find((item) => item.id === messageId);
      }, 'the voice message');
      expect(message).toEqual({
        id: messageId,
        direction: 'in',
        type: 'voice',
        attachments: [],
        sentAt: '2026-11-20T09:10:00.000Z',
        failure: { code: 'MEDIA_EXPIRED', message: 'WeChat no longer has this media' },
      });
      const added = (await liveEvents(id)).filter((event) => event.data['id'] === messageId);
      expect(added.map((event) => event.type)).toEqual(['message.added']);
      expect(added[0].data).toEqual(message);
      expectError(
        await call('GET', `/api/v1/attachments/${failedId}`, { token: adminToken }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('announces replies queued and their delivery outcome', async () => {
    const id = tickets[1];
    const queued = await call<{ id: string }>('POST', `/api/v1/tickets/${id}/messages`, {
      token: tokens['ann'],
      body: { type: 'text', text: 'on it' },
    });
    expect(queued.status).toBe(202);
    let events = await liveEvents(id);
    const added = events.find((event) => event.data['id'] === queued.body.id);
    expect(added).toMatchObject({ type: 'message.added', data: { status: 'queued' } });
    expect(events[events.length - 1]).toMatchObject({ type: 'ticket.updated' });
    const sent = {
      replyId: queued.body.id,
      ticketId: id,
      channelId,
      openId: 'oOpen',
      sentAt: new Date().toISOString(),
    };
    await publish(RoutingKeys.outboundReplySent, sent);
    await publish(RoutingKeys.outboundReplySent, sent); // a redelivery announces nothing
    await eventually(async () => {
      const all = await liveEvents(id);
      return all.some(
        (event) => event.type === 'message.updated' && event.data['status'] === 'sent',
      )
        ? true
        : undefined;
    }, 'the sent status');
    await sleep(300);
    events = (await liveEvents(id)).filter((event) => event.data['id'] === queued.body.id);
    expect(events.map((event) => event.type)).toEqual(['message.added', 'message.updated']);
  });

  // 60 at once: more handlers (prefetch 20) than pool connections (10), as in a burst in production.
  it('takes turns exactly when more tickets are projected at once than the pool has connections', async () => {
    const ids = Array.from({ length: 60 }, () => randomUUID());
    await Promise.all(
      ids.map((id, i) =>
        publish(RoutingKeys.ticketCreated, {
          ticketId: id,
          number: 1000 + i,
          channelId,
          departmentId: support.id,
          contactId: randomUUID(),
          openId: `oBurst${i}`,
          status: 'open',
          createdAt: new Date().toISOString(),
          ...openingMessage(new Date().toISOString()),
        }),
      ),
    );
    const rows = await eventually(async () => {
      const found = await db.query<{ assignee_id: string }>(
        'SELECT assignee_id FROM desk.ticket_views WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return found.rowCount === ids.length ? found.rows : undefined;
    }, 'the burst of tickets');
    const counts = new Map<string, number>();
    for (const row of rows) {
      counts.set(row.assignee_id, (counts.get(row.assignee_id) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ [first]: 30, [second]: 30 });
  });

  it('keeps the latest contact state whatever the order of its updates', async () => {
    const contactId = randomUUID();
    const base = { contactId, channelId, openId: 'oContact' };
    await publish(RoutingKeys.conversationContactUpdated, {
      ...base,
      following: false,
      followingChangedAt: '2026-11-20T10:00:00.000Z',
      lastCustomerMessageAt: '2026-11-20T09:00:00.000Z',
      lastInteractionAt: '2026-11-20T10:00:00.000Z',
    });
    await publish(RoutingKeys.conversationContactUpdated, {
      ...base,
      following: true,
      followingChangedAt: '2026-11-20T08:00:00.000Z',
      lastCustomerMessageAt: '2026-11-20T09:30:00.000Z',
      lastPromptAt: '2026-11-20T08:00:00.000Z',
      lastInteractionAt: '2026-11-20T09:30:00.000Z',
    });
    const row = await eventually(async () => {
      const rows = await db.query<Record<string, unknown>>(
        'SELECT * FROM desk.contact_views WHERE contact_id = $1',
        [contactId],
      );
      const found = rows.rows[0];
      return found?.last_prompt_at === undefined || found.last_prompt_at === null
        ? undefined
        : found;
    }, 'both contact updates');
    expect(row).toMatchObject({
      channel_id: channelId,
      open_id: 'oContact',
      following: false,
      following_changed_at: new Date('2026-11-20T10:00:00.000Z'),
      last_customer_message_at: new Date('2026-11-20T09:30:00.000Z'),
      last_prompt_at: new Date('2026-11-20T08:00:00.000Z'),
      last_interaction_at: new Date('2026-11-20T10:00:00.000Z'),
    });
  });
});
