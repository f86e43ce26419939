import { request as httpRequest, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

import { Module, type INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import {
  deskEntities,
  deskMigrations,
  LiveEventRepository,
  type LiveEventType,
  type NewLiveEvent,
} from '@wechat-desk/desk/data-access';
import { ConfigModule, loadConfig } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule, runService } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';
import { waitFor } from '@wechat-desk/shared/testing';

import { configureDeskApi } from '../configure-desk-api';
import { DeskFeatureModule } from '../desk-feature.module';
import { startDeskApi, type RunningDeskApi } from '../test-support/desk-api-harness';
import { insertChannelRow } from '../test-support/desk-rows';
import { LiveEventHub } from './live-event-hub';
import { LiveEventRetention } from './live-event-retention';

const ADMIN = { email: 'stream-root@example.com', password: 'bootstrap-Pa55word' };

/** A second desk-api process's worth of app on the same database (another replica). */
@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('desk-api'),
    PersistenceModule.forService({
      schema: 'desk',
      entities: deskEntities,
      migrations: deskMigrations,
      applicationName: 'desk-api-test-replica',
    }),
    MessagingModule.forService({ service: 'desk-api', outbox: true }),
    DeskFeatureModule,
  ],
})
class SecondReplicaModule {}

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

interface ReceivedEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

/** A text/event-stream reader over node:http, parsing frames as a browser's EventSource does. */
class StreamReader {
  readonly events: ReceivedEvent[] = [];
  lastEventId: string | undefined;
  ended = false;
  private buffer = '';

  constructor(
    readonly status: number,
    readonly contentType: string | undefined,
    private readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.take(chunk));
    response.on('end', () => {
      this.ended = true;
    });
    response.on('close', () => {
      this.ended = true;
    });
  }

  close(): void {
    this.response.destroy();
  }

  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((event) => event.event === type);
  }

  async waitForEvents(count: number, description: string): Promise<ReceivedEvent[]> {
    await waitFor(() => this.events.length >= count, {
      description: `${count} events: ${description}`,
      timeoutMs: 8_000,
      intervalMs: 10,
    });
    return this.events;
  }

  private take(chunk: string): void {
    this.buffer += chunk.replace(/\r\n|\r/g, '\n');
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.frame(block);
      end = this.buffer.indexOf('\n\n');
    }
  }

  private frame(block: string): void {
    const frame: Frame = {};
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') {
        frame.id = value;
      } else if (field === 'event') {
        frame.event = value;
      } else if (field === 'data') {
        data.push(value);
      }
    }
    if (frame.id !== undefined) {
      this.lastEventId = frame.id;
    }
    if (data.length > 0) {
      this.events.push({
        id: Number(frame.id),
        event: frame.event ?? 'message',
        data: JSON.parse(data.join('\n')) as Record<string, unknown>,
        receivedAt: Date.now(),
      });
    }
  }
}

let deskApi: RunningDeskApi | undefined;
let replica: INestApplication | undefined;
let replicaUrl: string;
let db: Client;
let dataSource: DataSource;
let liveEvents: LiveEventRepository;
const readers: StreamReader[] = [];

function openStream(
  base: string,
  options: { token?: string; query?: Record<string, string>; lastEventId?: string } = {},
): Promise<StreamReader> {
  const url = new URL(`${base}/api/v1/stream`);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token !== undefined) {
    headers['authorization'] = `Bearer ${options.token}`;
  }
  if (options.lastEventId !== undefined) {
    headers['last-event-id'] = options.lastEventId;
  }
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const reader = new StreamReader(
        response.statusCode ?? 0,
        response.headers['content-type'],
        response,
      );
      readers.push(reader);
      resolve(reader);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Opens a stream and waits until the server has registered it (its first frame arrived). */
async function connected(
  base: string,
  options: Parameters<typeof openStream>[1],
): Promise<StreamReader> {
  const reader = await openStream(base, options);
  expect(reader.status).toBe(200);
  await waitFor(() => reader.lastEventId !== undefined, {
    description: 'the stream to announce its position',
  });
  return reader;
}

async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${deskApi!.baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function login(email: string, password: string): Promise<string> {
  return (
    await call<{ accessToken: string }>('POST', '/api/v1/auth/login', undefined, {
      email,
      password,
    })
  ).accessToken;
}

function liveEvent(
  where: { departmentId: string; channelId: string },
  type: LiveEventType = 'message.added',
  data: object = { id: randomUUID() },
): NewLiveEvent {
  return { type, ticketId: randomUUID(), ...where, data };
}

/** As a projection does: in its own transaction. */
async function append(...events: NewLiveEvent[]): Promise<void> {
  await dataSource.transaction((manager) => liveEvents.append(manager, events));
}

/** A short wait for something that must NOT arrive (there is no event to wait for instead). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_500));

beforeAll(async () => {
  deskApi = await startDeskApi({
    label: 'desk_stream',
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  });
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  dataSource = deskApi.app.get(DataSource);
  liveEvents = deskApi.app.get(LiveEventRepository);
  // The harness left this process's environment pointing at its database and namespace.
  replica = await runService({
    service: 'desk-api',
    module: SecondReplicaModule,
    config: loadConfig(),
    port: 0,
    configure: configureDeskApi,
  });
  replicaUrl = (await replica.getUrl()).replace('[::1]', '127.0.0.1');
}, 90_000);

/**
 * Before each test, both replicas have passed every event appended so far, so a client
 * connecting without a resume point gets none of the previous test's events.
 */
beforeEach(async () => {
  const latest = await liveEvents.latestSeq();
  const hubs = [deskApi!.app, replica]
    .filter((app) => app !== undefined)
    .map((app) => app.get(LiveEventHub));
  await waitFor(() => hubs.every((hub) => hub.cursor >= latest), {
    description: 'both replicas to catch up',
  });
});

afterEach(() => {
  for (const reader of readers.splice(0)) {
    reader.close();
  }
});

afterAll(async () => {
  for (const reader of readers.splice(0)) {
    reader.close();
  }
  await replica?.close();
  await db?.end();
  await deskApi?.stop();
}, 60_000);

describe('GET /api/v1/stream', () => {
  let adminToken: string;
  let annToken: string;
  let bobToken: string;
  let annId: string;
  let support: { departmentId: string; channelId: string };
  let sales: { departmentId: string; channelId: string };

  beforeAll(async () => {
    adminToken = await login(ADMIN.email, ADMIN.password);
    const department = async (
      name: string,
    ): Promise<{ departmentId: string; channelId: string }> => {
      const { id } = await call<{ id: string }>('POST', '/api/v1/departments', adminToken, {
        name,
      });
      return { departmentId: id, channelId: await insertChannelRow(db, id) };
    };
    support = await department('Stream support');
    sales = await department('Stream sales');
    const agent = async (
      name: string,
      where: { departmentId: string; channelId: string },
    ): Promise<string> => {
      const { id } = await call<{ id: string }>('POST', '/api/v1/agents', adminToken, {
        email: `${name}@stream.example.com`,
        name,
        password: `${name}-Secret-0001`,
        role: 'agent',
        departmentIds: [where.departmentId],
      });
      await call(
        'PUT',
        `/api/v1/departments/${where.departmentId}/agents/${id}/channels`,
        adminToken,
        { channelIds: [where.channelId] },
      );
      return id;
    };
    annId = await agent('ann', support);
    await agent('bob', sales);
    annToken = await login('ann@stream.example.com', 'ann-Secret-0001');
    bobToken = await login('bob@stream.example.com', 'bob-Secret-0001');
  }, 30_000);

  it('delivers an event within a second to the admin and the agent in scope, not to others', async () => {
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    const ann = await connected(deskApi!.baseUrl, { token: annToken });
    const bob = await connected(deskApi!.baseUrl, { token: bobToken });
    expect(admin.contentType).toMatch(/^text\/event-stream/);

    const committedAt = Date.now();
    await append(liveEvent(support, 'ticket.created', { id: 'ticket-1', number: 1 }));
    const [toAdmin] = await admin.waitForEvents(1, 'admin');
    const [toAnn] = await ann.waitForEvents(1, 'ann');
    expect(toAdmin.receivedAt - committedAt).toBeLessThan(1_000);
    expect(toAnn.receivedAt - committedAt).toBeLessThan(1_000);
    expect(toAnn).toEqual(
      expect.objectContaining({
        event: 'ticket.created',
        data: expect.objectContaining({ ...support, id: 'ticket-1', number: 1 }),
      }),
    );
    expect(toAnn.id).toBe(toAdmin.id);

    await append(liveEvent(sales));
    await bob.waitForEvents(1, 'bob, his own department');
    await admin.waitForEvents(2, 'admin, both');
    await settle();
    expect(bob.events.map((event) => event.data['departmentId'])).toEqual([sales.departmentId]);
    expect(ann.events).toHaveLength(1);

    const metrics = await (await fetch(`${deskApi!.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^desk_stream_clients\{[^}]*\} 3$/m);
    expect(metrics).toMatch(/^desk_stream_events_sent_total\{[^}]*type="message.added"[^}]*\} 2$/m);
  });

  it('replays exactly the missed events, in order, after Last-Event-ID, then goes on live', async () => {
    const ann = await connected(deskApi!.baseUrl, { token: annToken });
    await append(liveEvent(support));
    const [seen] = await ann.waitForEvents(1, 'before disconnecting');
    ann.close();

    const missed = [liveEvent(support), liveEvent(sales), liveEvent(support)];
    for (const event of missed) {
      await append(event);
    }
    await append(liveEvent(support), liveEvent(support));
    const again = await openStream(deskApi!.baseUrl, {
      token: annToken,
      lastEventId: String(seen.id),
    });
    const replayed = await again.waitForEvents(4, 'the missed ones of her scope');
    await append(liveEvent(support));
    await again.waitForEvents(5, 'then live');
    await settle();
    const ids = again.events.map((event) => event.id);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toBeGreaterThan(seen.id);
    expect(replayed.every((event) => event.data['departmentId'] === support.departmentId)).toBe(
      true,
    );
  });

  it('without a resume point, sends only events after connecting', async () => {
    // A client already connected receives the earlier event: the replica has passed it.
    const witness = await connected(deskApi!.baseUrl, { token: adminToken });
    await append(liveEvent(support, 'ticket.updated', { id: 'earlier' }));
    await witness.waitForEvents(1, 'the earlier one');
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    await append(liveEvent(support, 'ticket.updated', { id: 'fresh' }));
    await admin.waitForEvents(1, 'the new one');
    await settle();
    expect(admin.events.map((event) => event.data['id'])).toEqual(['fresh']);
  });

  it('accepts ?access_token= here only, and refuses bad tokens with 401', async () => {
    const byQuery = await connected(deskApi!.baseUrl, { query: { access_token: adminToken } });
    await append(liveEvent(sales));
    await byQuery.waitForEvents(1, 'with the token in the query');

    const bad = await openStream(deskApi!.baseUrl, { query: { access_token: 'x'.repeat(43) } });
    expect(bad.status).toBe(401);
    const none = await openStream(deskApi!.baseUrl);
    expect(none.status).toBe(401);
    const elsewhere = await fetch(
      `${deskApi!.baseUrl}/api/v1/tickets?access_token=${encodeURIComponent(adminToken)}`,
    );
    expect(elsewhere.status).toBe(401);
  });

  it('resumes with ?lastEventId=, and says reset when the resume point is past retention', async () => {
    await append(liveEvent(support));
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    await append(liveEvent(support));
    const [old] = await admin.waitForEvents(1, 'an event to resume from');
    admin.close();
    await append(liveEvent(support));

    const byQuery = await openStream(deskApi!.baseUrl, {
      token: adminToken,
      query: { lastEventId: String(old.id) },
    });
    await byQuery.waitForEvents(1, 'the missed one');
    byQuery.close();

    // Everything is past retention a day from now.
    const deleted = await deskApi!.app
      .get(LiveEventRetention)
      .deleteExpired(new Date(Date.now() + 25 * 60 * 60 * 1000));
    expect(deleted).toBeGreaterThan(0);
    const stale = await openStream(deskApi!.baseUrl, {
      token: adminToken,
      lastEventId: String(old.id),
    });
    const [reset] = await stale.waitForEvents(1, 'reset');
    expect(reset.event).toBe('reset');
    await append(liveEvent(sales, 'message.updated'));
    const [, next] = await stale.waitForEvents(2, 'live after the reset');
    expect(next.event).toBe('message.updated');
    expect(next.id).toBeGreaterThan(reset.id);

    const future = await openStream(deskApi!.baseUrl, {
      token: adminToken,
      lastEventId: '999999999',
    });
    const [futureReset] = await future.waitForEvents(1, 'reset for an id never given');
    expect(futureReset.event).toBe('reset');
    await append(liveEvent(support, 'ticket.created'));
    const [, afterFuture] = await future.waitForEvents(2, 'live after that reset');
    expect(afterFuture.event).toBe('ticket.created');

    const garbled = await openStream(deskApi!.baseUrl, { token: adminToken, lastEventId: 'x' });
    expect((await garbled.waitForEvents(1, 'reset for garbage'))[0].event).toBe('reset');
  });

  it('delivers from every replica to its own clients', async () => {
    const onFirst = await connected(deskApi!.baseUrl, { token: annToken });
    const onSecond = await connected(replicaUrl, { token: annToken });
    const outside = await connected(replicaUrl, { token: bobToken });
    await append(liveEvent(support), liveEvent(support));
    const first = await onFirst.waitForEvents(2, 'replica one');
    const second = await onSecond.waitForEvents(2, 'replica two');
    expect(second.map((event) => event.id)).toEqual(first.map((event) => event.id));
    await settle();
    expect(outside.events).toEqual([]);
  });

  it('delivers both events of out-of-order commits exactly once, the lower seq first', async () => {
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    const slow = dataSource.createQueryRunner();
    const fast = dataSource.createQueryRunner();
    try {
      await slow.startTransaction();
      await liveEvents.append(slow.manager, [liveEvent(support, 'message.added', { id: 'slow' })]);
      await fast.startTransaction();
      await liveEvents.append(fast.manager, [liveEvent(support, 'message.added', { id: 'fast' })]);
      await fast.commitTransaction();
      // Visible now, but held behind the uncommitted lower seq.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await slow.commitTransaction();
    } finally {
      await slow.release();
      await fast.release();
    }
    await admin.waitForEvents(2, 'both');
    await settle();
    expect(admin.events.map((event) => event.data['id'])).toEqual(['slow', 'fast']);
    expect(admin.events[0].id).toBeLessThan(admin.events[1].id);
  });

  it('skips a rolled-back seq after a short wait', async () => {
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    const rolledBack = dataSource.createQueryRunner();
    try {
      await rolledBack.startTransaction();
      await liveEvents.append(rolledBack.manager, [liveEvent(support)]);
      await append(liveEvent(support, 'message.added', { id: 'after-rollback' }));
      await rolledBack.rollbackTransaction();
    } finally {
      await rolledBack.release();
    }
    const [event] = await admin.waitForEvents(1, 'the committed one');
    expect(event.data['id']).toBe('after-rollback');
  });

  it('applies association changes and disconnects a deactivated agent', async () => {
    const admin = await connected(deskApi!.baseUrl, { token: adminToken });
    const ann = await connected(deskApi!.baseUrl, { token: annToken });
    await call(
      'PUT',
      `/api/v1/departments/${support.departmentId}/agents/${annId}/channels`,
      adminToken,
      { channelIds: [] },
    );
    // Until the next refresh (every 5 s) she still gets them. The admin's copy shows when an
    // event has been handed to every client of the replica.
    let probes = 0;
    await waitFor(
      async () => {
        probes += 1;
        await append(liveEvent(support, 'message.added', { id: `probe-${probes}` }));
        await admin.waitForEvents(probes, 'the probe');
        return !ann.events.some((event) => event.data['id'] === `probe-${probes}`);
      },
      { description: 'her scope to lose the channel', timeoutMs: 12_000, intervalMs: 200 },
    );
    const before = ann.events.length;
    await append(liveEvent(support));
    await admin.waitForEvents(probes + 1, 'one more');
    await settle();
    expect(ann.events).toHaveLength(before);

    await call('POST', `/api/v1/agents/${annId}/deactivate`, adminToken);
    await waitFor(() => ann.ended, { description: 'her stream to end', timeoutMs: 8_000 });
    const refused = await openStream(deskApi!.baseUrl, { token: annToken });
    expect(refused.status).toBe(401);
    expect(admin.ended).toBe(false);
  }, 30_000);

  it('ends open streams when the replica shuts down, so it can stop', async () => {
    const reader = await connected(replicaUrl, { token: adminToken });
    const closing = replica!.close();
    replica = undefined;
    await closing;
    await waitFor(() => reader.ended, { description: 'the stream to end' });
  });
});
