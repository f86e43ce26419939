import { ALL_ROUTING_KEYS, isRoutingKey } from '@wechat-desk/contracts';
import { namespaceResources } from '@wechat-desk/shared/testing';

import { decideOnFailure } from './retry-policy';
import {
  BROKER_DELIVERY_LIMIT,
  declareTopology,
  SERVICE_NAMES,
  SUBSCRIPTIONS,
  topologyNames,
  type QueueDeclaration,
} from './topology';

const NAMESPACE = 'wd-unit';
const DELAYS = [1_000, 5_000, 30_000];

function byName(queues: QueueDeclaration[]): Map<string, QueueDeclaration> {
  return new Map(queues.map((queue) => [queue.name, queue]));
}

describe('SUBSCRIPTIONS', () => {
  it('gives every routing key at least one subscribing service (no event published into the void)', () => {
    const subscribed = new Set(SERVICE_NAMES.flatMap((service) => SUBSCRIPTIONS[service]));
    const orphans = ALL_ROUTING_KEYS.filter((key) => !subscribed.has(key));
    expect(orphans).toEqual([]);
  });

  it('only subscribes known routing keys, each once per service', () => {
    for (const service of SERVICE_NAMES) {
      const keys = SUBSCRIPTIONS[service];
      expect(keys.filter((key) => !isRoutingKey(key))).toEqual([]);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe(declareTopology.name, () => {
  const topology = declareTopology(NAMESPACE, DELAYS);
  const names = topologyNames(NAMESPACE);
  const queues = byName(topology.queues);

  it('declares, per service, a main queue, a dead-letter queue and one retry queue per delay', () => {
    expect(topology.queues).toHaveLength(SERVICE_NAMES.length * (2 + DELAYS.length));
    expect(queues.size).toBe(topology.queues.length);
    for (const service of SERVICE_NAMES) {
      expect(queues.has(names.queue(service))).toBe(true);
      expect(queues.has(names.deadLetterQueue(service))).toBe(true);
      for (const delay of DELAYS) {
        expect(queues.has(names.retryQueue(service, delay))).toBe(true);
      }
    }
  });

  it('makes every queue a quorum queue', () => {
    for (const queue of topology.queues) {
      expect({ queue: queue.name, type: queue.arguments['x-queue-type'] }).toEqual({
        queue: queue.name,
        type: 'quorum',
      });
    }
  });

  it('binds each main queue to exactly the keys its service subscribes, and nothing else', () => {
    for (const service of SERVICE_NAMES) {
      expect([...(queues.get(names.queue(service))?.bindings ?? [])].sort()).toEqual(
        [...SUBSCRIPTIONS[service]].sort(),
      );
      expect(queues.get(names.deadLetterQueue(service))?.bindings).toEqual([]);
      for (const delay of DELAYS) {
        expect(queues.get(names.retryQueue(service, delay))?.bindings).toEqual([]);
      }
    }
  });

  it('dead-letters each main queue into its own dead-letter queue, safely and after a delivery limit', () => {
    for (const service of SERVICE_NAMES) {
      expect(queues.get(names.queue(service))?.arguments).toEqual({
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.deadLetterQueue(service),
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
        'x-delivery-limit': BROKER_DELIVERY_LIMIT,
      });
    }
    expect(BROKER_DELIVERY_LIMIT).toBeGreaterThan(1);
  });

  it('routes each retry queue back to its main queue after its delay', () => {
    for (const service of SERVICE_NAMES) {
      for (const delay of DELAYS) {
        expect(queues.get(names.retryQueue(service, delay))?.arguments).toEqual({
          'x-queue-type': 'quorum',
          'x-message-ttl': delay,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': names.queue(service),
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        });
      }
    }
  });

  it('keeps dead letters until someone looks at them (no TTL, no onward dead-lettering)', () => {
    for (const service of SERVICE_NAMES) {
      expect(queues.get(names.deadLetterQueue(service))?.arguments).toEqual({
        'x-queue-type': 'quorum',
      });
    }
  });

  it('declares a retry queue for every delay the retry policy can choose', () => {
    for (const maxAttempts of [2, 5, 10]) {
      for (let attempt = 1; attempt < maxAttempts; attempt += 1) {
        const decision = decideOnFailure(attempt, maxAttempts, DELAYS, true);
        if (decision.action === 'retry') {
          expect(queues.has(names.retryQueue('conversation', decision.delayMs))).toBe(true);
        }
      }
    }
  });

  it('declares one retry queue per distinct delay', () => {
    const deduped = declareTopology(NAMESPACE, [200, 200, 500]);
    const retryQueues = deduped.queues.filter((queue) => queue.name.includes('.retry.'));
    expect(
      retryQueues
        .map((queue) => queue.name)
        .filter((name) => name.startsWith(`${NAMESPACE}.ingress.`)),
    ).toEqual([names.retryQueue('ingress', 200), names.retryQueue('ingress', 500)]);
    expect(declareTopology(NAMESPACE, []).queues).toHaveLength(SERVICE_NAMES.length * 2);
  });

  it('puts every exchange and queue name under the namespace, so namespaces never share one', () => {
    expect(topology.exchange).toBe(`${NAMESPACE}.events`);
    for (const queue of topology.queues) {
      expect(queue.name.startsWith(`${NAMESPACE}.`)).toBe(true);
      const target = queue.arguments['x-dead-letter-routing-key'];
      if (target !== undefined) {
        expect(String(target).startsWith(`${NAMESPACE}.`)).toBe(true);
      }
    }
    const other = declareTopology('wd-other', DELAYS);
    const ours = new Set([topology.exchange, ...topology.queues.map((queue) => queue.name)]);
    expect(
      [other.exchange, ...other.queues.map((queue) => queue.name)].filter((name) => ours.has(name)),
    ).toEqual([]);
  });

  it('is what the testing library deletes after a test (deleteNamespace leaves nothing behind)', () => {
    for (const delays of [DELAYS, [200, 200, 500], []]) {
      const topology = declareTopology('wd-cleanup', delays);
      expect(namespaceResources('wd-cleanup', delays)).toEqual({
        exchange: topology.exchange,
        queues: topology.queues.map((queue) => queue.name),
      });
    }
  });
});
