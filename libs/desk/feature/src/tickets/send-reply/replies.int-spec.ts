import { randomBytes, randomUUID } from 'node:crypto';

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
import { SecretBox, sleep } from '@wechat-desk/shared/util';

import { DOCUMENT_LINK_KEY_PURPOSE, DocumentLinks } from '../../files/document-links';

import { startDeskApi, type RunningDeskApi } from '../../test-support/desk-api-harness';
import { insertChannelRow } from '../../test-support/desk-rows';
import type { TicketReplyWindow } from '../reply-window/reply-window.view';

/**
 * Replies as the desk takes them, from projected events (the real desk-api, PostgreSQL and
 * RabbitMQ): what GET /reply-window says is what POST /messages does, and files are checked,
 * stored and linked before outbound is asked to send them.
 */

const ADMIN = { email: 'root@example.com', password: 'bootstrap-password' };
const HOUR_MS = 3_600_000;
const FILES_BASE_URL = 'https://files.example.com';
const MASTER_KEY = randomBytes(32).toString('hex');

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

/** POST /tickets/{id}/messages as multipart/form-data. */
async function postForm<T>(
  ticketId: string,
  parts: { file?: { bytes: Buffer; name: string }; fields?: Record<string, string> },
): Promise<{ status: number; body: T }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts.fields ?? {})) {
    form.append(name, value);
  }
  if (parts.file !== undefined) {
    form.append('file', new Blob([parts.file.bytes]), parts.file.name);
  }
  const response = await fetch(`${deskApi!.baseUrl}/api/v1/tickets/${ticketId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
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
    env: {
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      PUBLIC_FILES_BASE_URL: FILES_BASE_URL,
      MASTER_KEY,
    },
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

type ErrorAnswer = { error: { code: string; message: string; details: Record<string, unknown> } };
type ThreadMessage = {
  id: string;
  type: string;
  text?: string;
  status?: string;
  attachments: Array<{
    id: string;
    mimeType: string;
    size: number;
    url: string;
    fileName?: string;
  }>;
};

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

const threadOf = async (ticketId: string): Promise<ThreadMessage[]> =>
  (await call<{ items: ThreadMessage[] }>('GET', `/tickets/${ticketId}/messages`)).body.items;

/** A document link as desk-api serves it (the public base points elsewhere in this test). */
const served = (url: string): Promise<Response> =>
  fetch(url.replace(FILES_BASE_URL, deskApi!.baseUrl));

describe('files in replies', () => {
  it('stores an image under its reply, asks outbound to upload and send it, and shows it in the thread', async () => {
    const ticket = await ticketOfCustomerWho(1);
    const answer = await postForm<{ id: string; status: string }>(ticket.id, {
      file: { bytes: PNG, name: 'C:\\Users\\li\\screenshot' },
    });
    expect(answer).toEqual({ status: 202, body: { id: expect.any(String), status: 'queued' } });

    const [request] = await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 1);
    expect(request?.data).toMatchObject({
      replyId: answer.body.id,
      type: 'image',
      attachmentBlobKey: `outbound/replies/${answer.body.id}`,
      attachmentMimeType: 'image/png',
      attachmentSize: PNG.length,
      attachmentFileName: 'screenshot.png',
    });
    expect(request?.data).not.toHaveProperty('text');
    expect(request?.data).not.toHaveProperty('documentUrl');
    const blob = await db.query<{ bytes: Buffer; content_type: string }>(
      'SELECT bytes, content_type FROM blobs.objects WHERE key = $1',
      [`outbound/replies/${answer.body.id}`],
    );
    expect(blob.rows[0]?.bytes.equals(PNG)).toBe(true);
    expect(blob.rows[0]?.content_type).toBe('image/png');

    const reply = (await threadOf(ticket.id)).find((message) => message.id === answer.body.id);
    expect(reply).toMatchObject({ type: 'image', status: 'queued' });
    expect(reply?.text).toBeUndefined();
    const [attachment] = reply?.attachments ?? [];
    expect(attachment).toMatchObject({
      mimeType: 'image/png',
      size: PNG.length,
      fileName: 'screenshot.png',
    });
    const bytes = await fetch(`${deskApi!.baseUrl}${attachment?.url ?? ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('sends a document as a signed link that serves it, with its words and its name', async () => {
    const ticket = await ticketOfCustomerWho(1);
    const answer = await postForm<{ id: string }>(ticket.id, {
      file: { bytes: PDF, name: '发票 12月.pdf' },
      fields: { text: '  Your invoice  ', type: 'document' },
    });
    expect(answer.status).toBe(202);
    const [request] = await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 1);
    expect(request?.data).toMatchObject({
      type: 'document',
      text: 'Your invoice',
      attachmentMimeType: 'application/pdf',
      attachmentFileName: '发票 12月.pdf',
    });
    const link = String(request?.data['documentUrl']);
    const [attachment] =
      (await threadOf(ticket.id)).find((message) => message.id === answer.body.id)?.attachments ??
      [];
    expect(link).toMatch(
      new RegExp(`^${FILES_BASE_URL}/files/${attachment?.id}\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    const expires = Number(new URL(link).searchParams.get('expires')) * 1000;
    expect(Math.abs(expires - (Date.now() + 168 * HOUR_MS))).toBeLessThan(60_000);

    // No token: the customer opens it in WeChat.
    const file = await served(link);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="__ 12_.pdf"; filename*=UTF-8''${encodeURIComponent('发票 12月.pdf')}`,
    );
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');

    const signature = new URL(link).searchParams.get('signature') ?? '';
    const tampered = link.replace(
      signature,
      `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
    );
    const refused = await served(tampered);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorAnswer).error.code).toBe('LINK_INVALID');
    const longer = await served(
      link.replace(/expires=(\d+)/, (_, at) => `expires=${Number(at) + 1}`),
    );
    expect(longer.status).toBe(403);

    // Links made under this desk-api's MASTER_KEY, as it makes them.
    const links = new DocumentLinks({
      key: SecretBox.fromMasterKey(MASTER_KEY).deriveKey(DOCUMENT_LINK_KEY_PURPOSE),
      baseUrl: FILES_BASE_URL,
      ttlHours: 1,
    });
    const expired = await served(
      links.linkFor(attachment?.id ?? '', new Date(Date.now() - 2 * HOUR_MS)).url,
    );
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as ErrorAnswer).error.code).toBe('LINK_EXPIRED');
    const unknown = await served(links.linkFor(randomUUID(), new Date()).url);
    expect(unknown.status).toBe(404);
  });

  it('refuses what cannot be sent, in words, and queues nothing', async () => {
    const ticket = await ticketOfCustomerWho(1);
    const refusals: Array<[string, Parameters<typeof postForm>[1], number, string]> = [
      [
        'a program',
        { file: { bytes: Buffer.from('MZ\x90\x00program'), name: 'setup.exe' } },
        415,
        'UNSUPPORTED_FILE_TYPE',
      ],
      [
        'an 11 MB picture',
        { file: { bytes: Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]), name: 'big.png' } },
        413,
        'FILE_TOO_LARGE',
      ],
      [
        'a file over 20 MB',
        { file: { bytes: Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]), name: 'huge.pdf' } },
        413,
        'FILE_TOO_LARGE',
      ],
      [
        'an empty file',
        { file: { bytes: Buffer.alloc(0), name: 'empty.pdf' } },
        422,
        'VALIDATION_FAILED',
      ],
      [
        'words with a picture',
        { file: { bytes: PNG, name: 'a.png' }, fields: { text: 'look' } },
        422,
        'VALIDATION_FAILED',
      ],
      [
        'a type the bytes deny',
        { file: { bytes: PNG, name: 'a.png' }, fields: { type: 'video' } },
        422,
        'VALIDATION_FAILED',
      ],
      ['a form with neither file nor text', { fields: {} }, 422, 'VALIDATION_FAILED'],
      [
        'a field that is not a reply’s',
        { file: { bytes: PNG, name: 'a.png' }, fields: { caption: 'x' } },
        422,
        'VALIDATION_FAILED',
      ],
    ];
    const answers = [];
    for (const [what, parts] of refusals) {
      const answer = await postForm<ErrorAnswer>(ticket.id, parts);
      answers.push({ what, status: answer.status, code: answer.body.error?.code });
      expect(answer.body.error?.message).toEqual(expect.any(String));
    }
    expect(answers).toEqual(refusals.map(([what, , status, code]) => ({ what, status, code })));
    const big = await postForm<ErrorAnswer>(ticket.id, refusals[1][1]);
    expect(big.body.error.details).toMatchObject({ kind: 'image', maxBytes: 10 * 1024 * 1024 });
    expect(big.body.error.message).toMatch(/WeChat takes images of at most 10 MB/);
    const program = await postForm<ErrorAnswer>(ticket.id, refusals[0][1]);
    expect(program.body.error.details['accepted']).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'document' })]),
    );

    expect(await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 0)).toEqual([]);
    expect((await threadOf(ticket.id)).filter((message) => message.type !== 'text')).toEqual([]);
  });

  it('takes a text reply from a form sent without a file', async () => {
    const ticket = await ticketOfCustomerWho(1);
    const answer = await postForm<{ id: string }>(ticket.id, {
      fields: { text: 'Hello from a form' },
    });
    expect(answer.status).toBe(202);
    const [request] = await sentToOutbound(RoutingKeys.outboundReplyRequested, ticket.id, 1);
    expect(request?.data).toMatchObject({ type: 'text', text: 'Hello from a form' });
  });
});
