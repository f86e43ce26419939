import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { withTimeout } from '@wechat-desk/shared/util';

import type { AmqpConnection } from './amqp-connection';
import type { ServiceName, TopologyNames } from './topology';

/**
 * How the transport settled a delivery: the handler succeeded (acked), a copy went to a delay
 * queue (retried) or to the dead-letter queue (dead_lettered), or the copy could not be confirmed
 * and the delivery went back to its queue (requeued).
 */
export type DeliveryOutcome = 'acked' | 'retried' | 'dead_lettered' | 'requeued';

/** What the transport tells about every delivery it settles. */
export interface DeliveryObserver {
  /** `type` is the envelope's type, or 'unparsed' when the body was no valid envelope. */
  settled(type: string, outcome: DeliveryOutcome, seconds: number): void;
  deadLettered(reason: string): void;
}

/** Messages ready in a service's queues, by role (the retry queues added up). */
export interface QueueDepths {
  main: number;
  retry: number;
  deadLetter: number;
}

export interface MessagingProbes {
  queueDepths(): Promise<QueueDepths>;
  /** Rows of the service's outbox not yet confirmed by RabbitMQ; absent without an outbox. */
  outboxRows?: () => Promise<number>;
}

/** A scrape must answer even when RabbitMQ or PostgreSQL does not: null after 2 s or a failure. */
const answerOrNull = <T>(probe: Promise<T>): Promise<T | null> =>
  withTimeout(probe, 2_000).catch(() => null);

/**
 * The transport's counters (every delivery by type and outcome, handler time, dead letters by
 * reason) and, read at each scrape, the depth of the service's queues and of its outbox. A probe
 * that fails or is slow leaves its samples out: unknown, not zero.
 */
export class MessagingMetrics implements DeliveryObserver {
  private readonly deliveries: Counter<'type' | 'outcome'>;
  private readonly handlerSeconds: Histogram<'type'>;
  private readonly deadLetters: Counter<'reason'>;

  constructor(registry: Registry, probes: MessagingProbes) {
    this.deliveries = new Counter({
      name: 'messaging_deliveries_total',
      help: 'Deliveries settled by this consumer, by message type and outcome (acked, retried, dead_lettered, requeued)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    });
    this.handlerSeconds = new Histogram({
      name: 'messaging_handler_duration_seconds',
      help: 'From delivery to settlement (handler and, on failure, the confirmed move), by message type',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'messaging_dead_letters_total',
      help: "Messages this consumer moved to its service's dead-letter queue, by reason",
      labelNames: ['reason'],
      registers: [registry],
    });
    new Gauge({
      name: 'messaging_messages_waiting',
      help: "Messages waiting, read at scrape: ready in this service's queue, its delay queues (retry) and its dead-letter queue, and events in its outbox not yet confirmed by RabbitMQ",
      labelNames: ['where'],
      registers: [registry],
      async collect() {
        this.reset();
        const [depths, outbox] = await Promise.all([
          answerOrNull(probes.queueDepths()),
          probes.outboxRows === undefined ? null : answerOrNull(probes.outboxRows()),
        ]);
        if (depths !== null) {
          this.set({ where: 'queue' }, depths.main);
          this.set({ where: 'retry' }, depths.retry);
          this.set({ where: 'dead_letter' }, depths.deadLetter);
        }
        if (outbox !== null) {
          this.set({ where: 'outbox' }, outbox);
        }
      },
    });
  }

  settled(type: string, outcome: DeliveryOutcome, seconds: number): void {
    this.deliveries.inc({ type, outcome });
    this.handlerSeconds.observe({ type }, seconds);
  }

  deadLettered(reason: string): void {
    this.deadLetters.inc({ reason });
  }
}

/** Reads the depth of a service's queues with passive declares on a channel of its own. */
export function readQueueDepths(
  connection: AmqpConnection,
  names: TopologyNames,
  service: ServiceName,
  retryDelaysMs: readonly number[],
): Promise<QueueDepths> {
  return connection.withChannel(async (channel) => {
    const ready = async (queue: string): Promise<number> =>
      (await channel.checkQueue(queue)).messageCount;
    let retry = 0;
    for (const delayMs of new Set(retryDelaysMs)) {
      retry += await ready(names.retryQueue(service, delayMs));
    }
    return {
      main: await ready(names.queue(service)),
      retry,
      deadLetter: await ready(names.deadLetterQueue(service)),
    };
  });
}
