import type { ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';

import { createEnvelope, RoutingKeys, type EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents, migrateAll } from '@wechat-desk/shared/persistence';
import {
  BrokerProbe,
  createTestDatabase,
  createTestNamespace,
  deleteNamespace,
  TcpFaultProxy,
  TEST_RABBITMQ_URL,
  waitFor,
  type TestDatabase,
} from '@wechat-desk/shared/testing';

import { ConfirmPublisher } from './confirm-publisher';
import { OutboxRelay } from './outbox-relay';
import {
  CreateConversationOutbox1714112445000,
  messageEnvelope,
  startOutboxService,
  wechatEvent,
  type RunningRelayService,
} from './test-support/harness';
import { topologyNames } from './topology';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [100];
const SCHEMA = 'conversation';
const namespace = createTestNamespace('outbox');
const names = topologyNames(namespace);

let database: TestDatabase;
let proxy: TcpFaultProxy;
let probe: BrokerProbe;
let service: RunningRelayService;
let dataSource: DataSource;
let stopConsuming: () => Promise<void>;
/** What reached the conversation queue, in arrival order. */
const received: ConsumeMessage[] = [];

beforeAll(async () => {
  database = await createTestDatabase('outbox-relay');
  await migrateAll(database.url, [
    { schema: SCHEMA, migrations: [CreateConversationOutbox1714112445000] },
  ]);
  proxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_RABBITMQ_URL));
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  service = await startOutboxService({
    env: {
      DATABASE_URL: database.url,
      MESSAGING_NAMESPACE: namespace,
      RABBITMQ_URL: proxy.urlFor(TEST_RABBITMQ_URL),
      RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
    },
  });
  dataSource = service.app.get(DataSource);
  // Nothing consumes the conversation queue here but this reader.
  stopConsuming = await probe.consume(names.queue('conversation'), (message) =>
    received.push(message),
  );
});

afterAll(async () => {
  proxy?.restore();
  await stopConsuming?.();
  await service?.stop();
  await proxy?.close();
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
  await database?.drop();
});

function receivedIds(): string[] {
  return received.map((message) => String(message.properties.messageId));
}

async function outboxIds(): Promise<string[]> {
  const rows: Array<{ event_id: string }> = await dataSource.query(
    `SELECT event_id FROM "${SCHEMA}".outbox ORDER BY position`,
  );
  return rows.map((row) => row.event_id);
}

async function commit(envelopes: EventEnvelope[]): Promise<void> {
  await dataSource.transaction((manager) => enqueueEvents(manager, SCHEMA, envelopes));
}

/** Commits a marker event and waits until it arrived: the relay has run past everything before it. */
async function relayBarrier(): Promise<string> {
  const marker = messageEnvelope();
  await commit([marker]);
  await waitFor(() => receivedIds().includes(marker.id), {
    description: `marker ${marker.id} to be relayed`,
  });
  return marker.id;
}

it('publishes committed events in order with their ids and deletes them from the outbox', async () => {
  const envelopes = [messageEnvelope(), messageEnvelope(), messageEnvelope()];

  await commit(envelopes);

  await waitFor(() => envelopes.every((envelope) => receivedIds().includes(envelope.id)), {
    description: 'the three events to be published',
  });
  expect(receivedIds().filter((id) => envelopes.some((envelope) => envelope.id === id))).toEqual(
    envelopes.map((envelope) => envelope.id),
  );
  const first = received.find((message) => message.properties.messageId === envelopes[0].id)!;
  expect(JSON.parse(first.content.toString('utf8'))).toEqual(
    JSON.parse(JSON.stringify(envelopes[0])),
  );
  expect(first.properties).toMatchObject({
    type: RoutingKeys.wechatMessageText,
    deliveryMode: 2,
    contentType: 'application/json',
    correlationId: envelopes[0].correlationId,
  });
  await waitFor(async () => (await outboxIds()).length === 0, {
    description: 'the outbox to be empty',
  });
});

it('publishes nothing before the transaction commits', async () => {
  const held = messageEnvelope();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await enqueueEvents(runner.manager, SCHEMA, [held]);

    await relayBarrier();
    expect(receivedIds()).not.toContain(held.id);

    await runner.commitTransaction();
  } finally {
    await runner.release();
  }
  await waitFor(() => receivedIds().includes(held.id), {
    description: 'the event to be published after the commit',
  });
});

it('publishes nothing for a rolled-back transaction', async () => {
  const rolledBack = messageEnvelope();
  await dataSource
    .transaction(async (manager) => {
      await enqueueEvents(manager, SCHEMA, [rolledBack]);
      throw new Error('the business change failed');
    })
    .catch(() => undefined);

  await relayBarrier();

  expect(receivedIds()).not.toContain(rolledBack.id);
  await waitFor(async () => (await outboxIds()).length === 0, {
    description: 'the outbox to be empty',
  });
});

it('keeps an event no queue is bound for in the outbox (not lost) and publishes it once bound', async () => {
  const queue = names.queue('conversation');
  const event = createEnvelope(RoutingKeys.wechatEventSubscribe, wechatEvent());
  await probe.use((channel) => channel.unbindQueue(queue, names.exchange, event.type));
  try {
    await commit([event]);
    // A later event gets through while the unroutable one stays in the outbox.
    await relayBarrier();
    expect(receivedIds()).not.toContain(event.id);
    expect(await outboxIds()).toEqual([event.id]);
  } finally {
    await probe.use((channel) => channel.bindQueue(queue, names.exchange, event.type));
  }
  await waitFor(() => receivedIds().includes(event.id), {
    description: 'the event to be published once its queue is bound again',
  });
  await waitFor(async () => (await outboxIds()).length === 0, {
    description: 'the outbox to be empty',
  });
});

it('resumes after the broker connection drops, publishing what was committed meanwhile', async () => {
  proxy.cut();
  await waitFor(() => !service.publisher.ready, { description: 'the publisher to be down' });
  const meanwhile = [messageEnvelope(), messageEnvelope()];
  await commit(meanwhile);
  expect(await outboxIds()).toEqual(meanwhile.map((envelope) => envelope.id));

  proxy.restore();

  await waitFor(() => meanwhile.every((envelope) => receivedIds().includes(envelope.id)), {
    description: 'the events committed during the outage to be published',
    timeoutMs: 15_000,
  });
  await waitFor(async () => (await outboxIds()).length === 0, {
    description: 'the outbox to be empty',
  });
});

it('published each event once: no duplicate when no publish was in flight during a fault', () => {
  const ids = receivedIds();
  expect(new Set(ids).size).toBe(ids.length);
});

describe('in order (the ingress spool)', () => {
  it('two replicas relay one at a time: events leave in the order they were written, and each reports its backlog', async () => {
    const serviceRelay = service.app.get(OutboxRelay);
    await serviceRelay.stop();
    const publisher = service.app.get(ConfirmPublisher);
    const replicas = [1, 2].map(
      () =>
        new OutboxRelay(dataSource, publisher, SCHEMA, database.url, {
          inOrder: true,
          batchSize: 3,
        }),
    );
    const backlogReports: boolean[][] = [[], []];
    replicas.forEach((relay, i) => relay.onBacklog((waiting) => backlogReports[i]?.push(waiting)));
    try {
      const envelopes = Array.from({ length: 30 }, () => messageEnvelope());
      for (let i = 0; i < envelopes.length; i += 5) {
        await commit(envelopes.slice(i, i + 5));
      }
      replicas.forEach((relay) => relay.start());
      await waitFor(() => envelopes.every((envelope) => receivedIds().includes(envelope.id)), {
        description: 'all 30 events relayed',
      });
      const ids = new Set(envelopes.map((envelope) => envelope.id));
      expect(receivedIds().filter((id) => ids.has(id))).toEqual(envelopes.map((e) => e.id));
      await waitFor(() => backlogReports.every((reports) => reports.at(-1) === false), {
        description: 'both replicas to see the outbox empty',
      });
      expect(backlogReports.some((reports) => reports.includes(true))).toBe(true);
    } finally {
      await Promise.all(replicas.map((relay) => relay.stop()));
      serviceRelay.start();
    }
  });
});

describe('stopping', () => {
  it('stop() right after start() leaves no listening connection behind, even one still connecting', async () => {
    const slowDatabase = await TcpFaultProxy.start(TcpFaultProxy.targetOf(database.url));
    try {
      slowDatabase.hold(); // The LISTEN connection's handshake waits here.
      const publisherDown = { ready: false } as unknown as ConfirmPublisher;
      const relay = new OutboxRelay(
        dataSource,
        publisherDown,
        SCHEMA,
        slowDatabase.urlFor(database.url),
      );
      relay.start();
      await waitFor(() => slowDatabase.acceptedConnections === 1, {
        description: 'the listener to start connecting',
      });

      const stopped = relay.stop();
      // The database answers now: a listener that survived stop() would connect and LISTEN on.
      slowDatabase.release();
      await stopped;

      await waitFor(() => slowDatabase.openConnections === 0, {
        description: 'the listening connection to be closed',
      });
      expect(slowDatabase.acceptedConnections).toBe(1);
    } finally {
      await slowDatabase.close();
    }
  });
});
