import type { Channel } from 'amqplib';

import { declareTopology } from './topology';

/** Idempotent: every process declares the whole topology whenever it (re)connects. */
export async function assertTopology(
  channel: Channel,
  namespace: string,
  retryDelaysMs: readonly number[],
): Promise<void> {
  const topology = declareTopology(namespace, retryDelaysMs);
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
    for (const key of queue.bindings) {
      await channel.bindQueue(queue.name, topology.exchange, key);
    }
  }
}
