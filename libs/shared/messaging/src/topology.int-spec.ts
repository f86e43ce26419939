import { randomUUID } from 'node:crypto';

import {
  ALL_ROUTING_KEYS,
  createEnvelope,
  RoutingKeys,
  type RoutingKey,
} from '@wechat-desk/contracts';
import {
  BrokerProbe,
  closeBrokerConnections,
  createTestNamespace,
  deleteNamespace,
  listBrokerBindings,
  listBrokerQueues,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';

import { assertTopology } from './declare-topology';
import { BrokerUnavailableError, UnroutableMessageError } from './errors';
import { startMessagingOnly, type RunningMessaging } from './test-support/harness';
import { declareTopology, SERVICE_NAMES, SUBSCRIPTIONS, topologyNames } from './topology';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [100, 200];
const namespace = createTestNamespace('topology');
const names = topologyNames(namespace);
const declared = declareTopology(namespace, RETRY_DELAYS_MS);

let probe: BrokerProbe;
let messaging: RunningMessaging;
let stopped = false;

beforeAll(async () => {
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  // Any service declares the whole topology when it connects (desk-api here).
  messaging = await startMessagingOnly({
    service: 'desk-api',
    env: {
      MESSAGING_NAMESPACE: namespace,
      RABBITMQ_URL: TEST_RABBITMQ_URL,
      RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      RABBITMQ_CONFIRM_TIMEOUT_MS: '5000',
    },
  });
});

afterAll(async () => {
  if (!stopped) {
    await messaging?.stop();
  }
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
});

function fakeEnvelope(type: string): ReturnType<typeof createEnvelope> {
  return {
    ...createEnvelope(RoutingKeys.ticketCreated, { any: 'thing' }),
    type: type as RoutingKey,
  };
}

async function expectRefused(operation: Promise<unknown>): Promise<void> {
  await expect(operation).rejects.toMatchObject({
    message: expect.stringContaining('PRECONDITION_FAILED'),
  });
}

describe('declared topology on the broker', () => {
  it('has every declared queue, each a durable quorum queue with exactly the declared arguments', async () => {
    const onBroker = new Map(
      (await listBrokerQueues(`${namespace}.`)).map((queue) => [queue.name, queue]),
    );

    expect([...onBroker.keys()].sort()).toEqual(declared.queues.map((queue) => queue.name).sort());
    for (const queue of declared.queues) {
      expect(onBroker.get(queue.name)).toEqual({
        name: queue.name,
        type: 'quorum',
        durable: true,
        arguments: queue.arguments,
      });
    }
  });

  it('accepts the same declaration again and refuses a different one with PRECONDITION_FAILED', async () => {
    for (const queue of declared.queues) {
      await probe.use((channel) =>
        channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments }),
      );
    }
    await probe.use((channel) => assertTopology(channel, namespace, RETRY_DELAYS_MS));
    await probe.use((channel) =>
      channel.assertExchange(names.exchange, 'topic', { durable: true }),
    );

    const main = declared.queues.find((queue) => queue.name === names.queue('conversation'))!;
    const retry = declared.queues.find(
      (queue) => queue.name === names.retryQueue('conversation', 100),
    )!;
    await expectRefused(
      probe.use((channel) =>
        channel.assertQueue(main.name, {
          durable: true,
          arguments: { ...main.arguments, 'x-queue-type': 'classic' },
        }),
      ),
    );
    await expectRefused(
      probe.use((channel) =>
        channel.assertQueue(main.name, {
          durable: true,
          arguments: { ...main.arguments, 'x-delivery-limit': 3 },
        }),
      ),
    );
    await expectRefused(
      probe.use((channel) =>
        channel.assertQueue(retry.name, {
          durable: true,
          arguments: { ...retry.arguments, 'x-message-ttl': 999 },
        }),
      ),
    );
    await expectRefused(
      probe.use((channel) => channel.assertExchange(names.exchange, 'direct', { durable: true })),
    );
  });

  it('binds each main queue to exactly the routing keys its service subscribes', async () => {
    const bindings = await listBrokerBindings(names.exchange);
    const expected = new Map(
      SERVICE_NAMES.map((service) => [names.queue(service), [...SUBSCRIPTIONS[service]].sort()]),
    );
    expect(Object.fromEntries(bindings)).toEqual(Object.fromEntries(expected));
  });

  it('routes every routing key: each publish is confirmed (never returned) and lands in each subscriber queue', async () => {
    for (const key of ALL_ROUTING_KEYS) {
      await messaging.publisher.publish(fakeEnvelope(key));
    }
    for (const service of SERVICE_NAMES) {
      const queue = names.queue(service);
      expect({ queue, messages: (await probe.queue(queue)).messageCount }).toEqual({
        queue,
        messages: SUBSCRIPTIONS[service].length,
      });
      await probe.use((channel) => channel.purgeQueue(queue));
    }
  });
});

describe('unroutable messages', () => {
  it('rejects a routing key no queue is bound for with UnroutableMessageError', async () => {
    await expect(
      messaging.publisher.publish(fakeEnvelope('nobody.listens.v1')),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
  });

  it('rejects a known key whose only queue was unbound, and routes it again once rebound', async () => {
    const deskQueue = names.queue('desk-api');
    const ticket = fakeEnvelope(RoutingKeys.ticketCreated);
    await probe.use((channel) =>
      channel.unbindQueue(deskQueue, names.exchange, RoutingKeys.ticketCreated),
    );
    try {
      await expect(messaging.publisher.publish(ticket)).rejects.toBeInstanceOf(
        UnroutableMessageError,
      );
      expect((await probe.queue(deskQueue)).messageCount).toBe(0);
    } finally {
      await probe.use((channel) =>
        channel.bindQueue(deskQueue, names.exchange, RoutingKeys.ticketCreated),
      );
    }
    await messaging.publisher.publish(ticket);
    expect((await probe.queue(deskQueue)).messageCount).toBe(1);
    await probe.use((channel) => channel.purgeQueue(deskQueue));
  });

  it('rejects a copy sent to a queue that does not exist (retry or dead-letter hop) with UnroutableMessageError', async () => {
    await probe.publishRaw(
      '',
      names.queue('ingress'),
      JSON.stringify(fakeEnvelope(RoutingKeys.channelUpdated)),
    );
    const [original] = await probe.drain(names.queue('ingress'));
    await expect(
      messaging.publisher.publishToQueue(`${namespace}.no-such-queue`, original, {
        'x-attempt': 2,
      }),
    ).rejects.toBeInstanceOf(UnroutableMessageError);
  });
});

describe('recovery of the topology and the publisher', () => {
  it('declares the topology again on reconnect: a deleted queue is back', async () => {
    const retryQueue = names.retryQueue('ticketing', 200);
    await probe.use((channel) => channel.deleteQueue(retryQueue));
    expect(await probe.queueExists(retryQueue)).toBe(false);
    const readies = messaging.readyCount();

    expect(await closeBrokerConnections(messaging.connectionName)).toBeGreaterThan(0);

    await waitFor(() => messaging.readyCount() > readies, {
      description: 'the connection to come back',
    });
    expect(await probe.queueExists(retryQueue)).toBe(true);
    await messaging.publisher.publish(fakeEnvelope(RoutingKeys.ticketCreated));
    await probe.use((channel) => channel.purgeQueue(names.queue('desk-api')));
  });

  it('keeps publishing after a channel error (exchange deleted, then restored) without a reconnect', async () => {
    const readies = messaging.readyCount();
    await probe.use((channel) => channel.deleteExchange(names.exchange));

    const lost = messaging.publisher.publish(fakeEnvelope(RoutingKeys.ticketCreated));
    await expect(lost).rejects.toBeInstanceOf(BrokerUnavailableError);

    await probe.use((channel) => assertTopology(channel, namespace, RETRY_DELAYS_MS));
    const id = randomUUID();
    await waitFor(
      async () => {
        await messaging.publisher.publish({ ...fakeEnvelope(RoutingKeys.ticketCreated), id });
        return true;
      },
      { description: 'a publish to be confirmed again' },
    );
    expect(messaging.readyCount()).toBe(readies);
    const [delivered] = await probe.drain(names.queue('desk-api'));
    expect(delivered?.properties.messageId).toBe(id);
  });
});

describe('cleanup', () => {
  it('deleteNamespace (testing library) removes everything MessagingModule declared', async () => {
    await messaging.stop();
    stopped = true;

    await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);

    expect(await listBrokerQueues(`${namespace}.`)).toEqual([]);
    await expect(probe.use((channel) => channel.checkExchange(names.exchange))).rejects.toThrow(
      /NOT_FOUND/,
    );
  });
});
