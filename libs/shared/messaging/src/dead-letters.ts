import { hostname } from 'node:os';

import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type GetMessage,
  type Message,
  type Options,
} from 'amqplib';

import { withTimeout } from '@wechat-desk/shared/util';

import { describeError } from './amqp-connection';
import {
  BrokerUnavailableError,
  PublishNackedError,
  PublishTimeoutError,
  UnroutableMessageError,
} from './errors';
import { SERVICE_NAMES, topologyNames, type ServiceName, type TopologyNames } from './topology';

/*
 * Reading a quorum queue without changing it
 * -------------------------------------------
 * AMQP 0-9-1 has no "peek". Every read here is basic.get without ack on one channel, which is then
 * closed, so the broker returns every message it handed out. Checked on RabbitMQ 3.10.8:
 *  - nack/reject with requeue puts a quorum queue's message behind the others (and a get right
 *    after a nack hands out the next message, so a nack-per-message scan would also loop);
 *  - closing the channel returns its unacked messages in delivery order, to the *returned*
 *    segment the queue serves first; but a message returned earlier that this read did not take
 *    stays ahead of them. So a read of only the first N messages moves them behind the rest once
 *    a previous read returned everything.
 * Hence every read takes the whole queue as it was when the read started (its ready count then):
 * it then holds the whole returned segment, and they all go back in their order. Printing is
 * bounded (`limit`), reading is not. Side effects that remain: the broker marks the messages
 * redelivered and raises x-delivery-count (the dead-letter queue has no delivery limit), and two
 * reads at the same time interleave their returns: run one dead-letter command at a time.
 */

/** Headers the transport and the broker add on the way to the dead-letter queue (and retries). */
const DEAD_LETTER_HEADERS = [
  'x-attempt',
  'x-last-error',
  'x-dead-letter-reason',
  'x-dead-lettered-at',
  'x-dead-lettered-by',
  'x-death',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-first-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-last-death-exchange',
  'x-delivery-count',
  'x-confirm-id',
] as const;

export const REPLAY_COUNT_HEADER = 'x-replay-count';

/** The name given is not one of SERVICE_NAMES. */
export class UnknownServiceError extends Error {
  override name = 'UnknownServiceError';
}

/** The queue does not exist in this namespace (wrong namespace, or no service ever started). */
export class QueueNotFoundError extends Error {
  override name = 'QueueNotFoundError';
}

/** Some of the envelope ids asked for are not in the dead-letter queue; nothing was changed. */
export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';

  constructor(
    readonly queue: string,
    readonly missingIds: readonly string[],
  ) {
    super(`Not in ${queue}: ${missingIds.join(', ')} (nothing was replayed)`);
  }
}

/** A replay stopped part way: `replayed` went to the main queue; the rest is still dead-lettered. */
export class ReplayFailedError extends Error {
  override name = 'ReplayFailedError';

  constructor(
    message: string,
    readonly replayed: readonly ReplayedDeadLetter[],
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export interface DeadLettersOptions {
  /** amqp:// URL of the broker (RABBITMQ_URL). */
  url: string;
  /** MESSAGING_NAMESPACE of the system to inspect. */
  namespace: string;
  /** How long to wait for the broker to answer a connect or a publisher confirm. */
  timeoutMs?: number;
  connectionName?: string;
}

/** One dead letter as `list` prints it. */
export interface DeadLetterSummary {
  /** 1-based position in the dead-letter queue. */
  index: number;
  /** The envelope id (messageId), or null for a message that has none (e.g. malformed bytes). */
  envelopeId: string | null;
  /** The message type: its routing key. */
  type: string | null;
  /** ISO time the message was dead-lettered, when known. */
  deadLetteredAt: string | null;
  /** Transport's x-dead-letter-reason (NON_RETRYABLE, ATTEMPTS_EXHAUSTED, …) or the broker's. */
  reason: string | null;
  /** First line of the last error, when known. */
  error: string | null;
}

export interface DeadLetterListing {
  service: ServiceName;
  queue: string;
  /** Messages in the dead-letter queue. */
  count: number;
  /** The first `limit` of them, in queue order. */
  messages: DeadLetterSummary[];
}

export interface DeadLetterDetail extends DeadLetterSummary {
  service: ServiceName;
  queue: string;
  /** The body: the parsed envelope, or the text when it is not JSON. */
  envelope: unknown;
  properties: Record<string, unknown>;
  /** Every header, in a printable form (byte strings as text, timestamps as ISO times). */
  headers: Record<string, unknown>;
  /** Messages in the queue with this envelope id (more than one after an interrupted replay). */
  copies: number;
}

export type ReplaySelection = { all: true } | { envelopeIds: readonly string[] };

export interface ReplayedDeadLetter {
  index: number;
  envelopeId: string | null;
  type: string | null;
  /** Copies of it that were removed from the dead-letter queue (one published). */
  removedCopies: number;
}

export interface ReplayResult {
  service: ServiceName;
  from: string;
  to: string;
  replayed: ReplayedDeadLetter[];
  /** Messages left in the dead-letter queue, in their order. */
  remaining: number;
}

/** A message read from the dead-letter queue, still unacked on the read channel. */
interface HeldMessage {
  index: number;
  message: GetMessage;
  summary: DeadLetterSummary;
}

/**
 * Operator access to the services' dead-letter queues: list and show without changing the queue,
 * replay chosen messages into their service's queue (confirmed before they leave the dead-letter
 * queue). Replay keeps the envelope (same id, same bytes), so the consumer's idempotency makes a
 * message whose effect already happened a no-op.
 */
export class DeadLetters {
  private readonly names: TopologyNames;

  private constructor(
    private readonly model: ChannelModel,
    private readonly timeoutMs: number,
    readonly namespace: string,
  ) {
    this.names = topologyNames(namespace);
  }

  /** Connects; rejects with BrokerUnavailableError when the broker does not answer in time. */
  static async connect(options: DeadLettersOptions): Promise<DeadLetters> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const url = new URL(options.url);
    if (!url.searchParams.has('heartbeat')) {
      url.searchParams.set('heartbeat', '5');
    }
    const connecting = connect(url.toString(), {
      timeout: timeoutMs,
      clientProperties: {
        connection_name: options.connectionName ?? `dlq@${hostname()}:${process.pid}`,
      },
    });
    let model: ChannelModel;
    try {
      model = await withTimeout(connecting, timeoutMs, 'connect');
    } catch (error) {
      // A connect that completes after the timeout must not keep the process alive.
      connecting.then(
        (late) => late.close().catch(() => undefined),
        () => undefined,
      );
      throw new BrokerUnavailableError(
        `RabbitMQ at ${url.hostname}:${url.port || '5672'} did not answer (${describeError(error)})`,
      );
    }
    model.on('error', () => undefined);
    return new DeadLetters(model, timeoutMs, options.namespace);
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }

  /** Every service's dead-letter queue and its depth (null: the queue does not exist). */
  async counts(): Promise<Array<{ service: ServiceName; queue: string; count: number | null }>> {
    const rows: Array<{ service: ServiceName; queue: string; count: number | null }> = [];
    for (const service of SERVICE_NAMES) {
      const queue = this.names.deadLetterQueue(service);
      try {
        rows.push({ service, queue, count: await this.checkQueue(queue) });
      } catch (error) {
        if (!(error instanceof QueueNotFoundError)) {
          throw error;
        }
        rows.push({ service, queue, count: null });
      }
    }
    return rows;
  }

  /** Count and the first `limit` dead letters of a service; the queue is left as it was. */
  async list(service: string, options: { limit?: number } = {}): Promise<DeadLetterListing> {
    const name = checkService(service);
    const limit = options.limit ?? 50;
    const queue = this.names.deadLetterQueue(name);
    return this.withHeldQueue(queue, (held) =>
      Promise.resolve({
        service: name,
        queue,
        count: held.length,
        messages: held.slice(0, limit).map((entry) => entry.summary),
      }),
    );
  }

  /** The first dead letter with this envelope id: body, properties and every header. */
  async show(service: string, envelopeId: string): Promise<DeadLetterDetail> {
    const name = checkService(service);
    const queue = this.names.deadLetterQueue(name);
    return this.withHeldQueue(queue, (held) => {
      const copies = held.filter((entry) => entry.summary.envelopeId === envelopeId);
      const first = copies[0];
      if (first === undefined) {
        throw new DeadLetterNotFoundError(queue, [envelopeId]);
      }
      return Promise.resolve({
        ...first.summary,
        service: name,
        queue,
        envelope: parseBody(first.message.content),
        properties: printableProperties(first.message),
        headers: printableHeaders(first.message.properties.headers ?? {}),
        copies: copies.length,
      });
    });
  }

  /**
   * Republishes the chosen dead letters to the service's queue (default exchange, same messageId
   * and body, dead-letter headers removed so the retry budget starts again), each confirmed
   * before it is acked out of the dead-letter queue. The others stay, in their order. An id that
   * is not in the queue fails the whole call before anything is published.
   */
  async replay(service: string, selection: ReplaySelection): Promise<ReplayResult> {
    const name = checkService(service);
    const from = this.names.deadLetterQueue(name);
    const to = this.names.queue(name);
    if ('envelopeIds' in selection && selection.envelopeIds.length === 0) {
      throw new Error('Name the envelope ids to replay, or replay all');
    }
    await this.checkQueue(to);
    return this.withHeldQueue(from, async (held, remove) => {
      const groups = chooseForReplay(from, held, selection);
      const publisher = await this.openChannel((model) => model.createConfirmChannel());
      const replayed: ReplayedDeadLetter[] = [];
      try {
        for (const copies of groups) {
          const [first] = copies;
          if (first === undefined) {
            continue;
          }
          try {
            await this.republish(publisher, to, first.message);
          } catch (error) {
            throw new ReplayFailedError(
              `Replay of ${first.summary.envelopeId ?? `message #${first.index}`} to ${to} failed ` +
                `(${describeError(error)}); it and the ones after it are still in ${from}`,
              replayed,
              error,
            );
          }
          for (const copy of copies) {
            remove(copy.message);
          }
          replayed.push({
            index: first.index,
            envelopeId: first.summary.envelopeId,
            type: first.summary.type,
            removedCopies: copies.length,
          });
        }
      } finally {
        await publisher.close().catch(() => undefined);
      }
      const removed = replayed.reduce((sum, entry) => sum + entry.removedCopies, 0);
      return { service: name, from, to, replayed, remaining: held.length - removed };
    });
  }

  /**
   * Takes every message the queue holds now, unacked, on one channel, runs `work`, then closes
   * the channel: whatever `work` did not remove goes back, in its order (see the note at the top).
   * Resolves once the broker shows them back, so a read right after this one sees them all.
   */
  private async withHeldQueue<T>(
    queue: string,
    work: (held: HeldMessage[], remove: (message: GetMessage) => void) => Promise<T>,
  ): Promise<T> {
    const count = await this.checkQueue(queue);
    const channel = await this.openChannel((model) => model.createChannel());
    const held: HeldMessage[] = [];
    let removed = 0;
    try {
      const main = queueOfDeadLetterQueue(queue);
      // The ready count at the start bounds the read: messages dead-lettered meanwhile are at the
      // back, behind everything read, so leaving them unread keeps the order too.
      while (held.length < count) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) {
          break;
        }
        const index = held.length + 1;
        held.push({ index, message, summary: summarize(index, message, main) });
      }
      return await work(held, (message) => {
        channel.ack(message);
        removed += 1;
      });
    } finally {
      await channel.close().catch(() => undefined);
      await this.untilReturned(queue, held.length - removed);
    }
  }

  /** A quorum queue takes the returned messages back through its log: wait until it shows them. */
  private async untilReturned(queue: string, returned: number): Promise<void> {
    if (returned <= 0) {
      return;
    }
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      const ready = await this.checkQueue(queue).catch(() => Number.POSITIVE_INFINITY);
      if (ready >= returned) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Ready messages in the queue; QueueNotFoundError when it does not exist. */
  private async checkQueue(queue: string): Promise<number> {
    const channel = await this.openChannel((model) => model.createChannel());
    try {
      const { messageCount } = await channel.checkQueue(queue);
      return messageCount;
    } catch (error) {
      if (/NOT_FOUND/.test(describeError(error))) {
        throw new QueueNotFoundError(
          `Queue ${queue} does not exist: is MESSAGING_NAMESPACE right (now ${this.namespace}), ` +
            'and has a service started in it?',
        );
      }
      throw error;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async openChannel<C extends Channel>(open: (model: ChannelModel) => Promise<C>) {
    try {
      const channel = await open(this.model);
      channel.on('error', () => undefined);
      return channel;
    } catch (error) {
      throw new BrokerUnavailableError(`RabbitMQ connection lost (${describeError(error)})`);
    }
  }

  /** One persistent, mandatory publish; resolves on the broker's ack, rejects on anything else. */
  private republish(channel: ConfirmChannel, queue: string, original: Message): Promise<void> {
    const properties = original.properties as Message['properties'] & Record<string, unknown>;
    const options: Options.Publish = {
      messageId: properties.messageId as string | undefined,
      type: properties.type as string | undefined,
      correlationId: properties.correlationId as string | undefined,
      timestamp: properties.timestamp as number | undefined,
      contentType: (properties.contentType as string | undefined) ?? 'application/json',
      persistent: true,
      mandatory: true,
      headers: replayHeaders(properties.headers ?? {}, queueOfDeadLetterQueue(queue)),
    };
    return new Promise<void>((resolve, reject) => {
      let returned = false;
      const onReturn = (): void => {
        returned = true;
      };
      const onClose = (): void => finish(new BrokerUnavailableError('channel closed'));
      const timer = setTimeout(
        () => finish(new PublishTimeoutError(`no confirm within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        channel.off('return', onReturn);
        channel.off('close', onClose);
        if (error !== null) {
          reject(error);
        } else if (returned) {
          reject(new UnroutableMessageError(`queue ${queue} did not take it`));
        } else {
          resolve();
        }
      };
      // Publishes are one at a time, so a return seen before the ack belongs to this one.
      channel.on('return', onReturn);
      channel.once('close', onClose);
      try {
        channel.publish('', queue, original.content, options, (error: unknown) =>
          finish(error ? new PublishNackedError(`RabbitMQ refused it`) : null),
        );
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

function checkService(service: string): ServiceName {
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    throw new UnknownServiceError(
      `Unknown service "${service}"; one of: ${SERVICE_NAMES.join(', ')}`,
    );
  }
  return service as ServiceName;
}

/** `<ns>.<service>.dead-letter` → `<ns>.<service>` (identity for a main queue). */
function queueOfDeadLetterQueue(queue: string): string {
  return queue.replace(/\.dead-letter$/, '');
}

/** Groups of copies (same envelope id) in queue order; every asked-for id must be present. */
function chooseForReplay(
  queue: string,
  held: readonly HeldMessage[],
  selection: ReplaySelection,
): HeldMessage[][] {
  const wanted = 'all' in selection ? null : new Set(selection.envelopeIds.map((id) => id.trim()));
  const groups = new Map<string, HeldMessage[]>();
  const ordered: HeldMessage[][] = [];
  for (const entry of held) {
    const id = entry.summary.envelopeId;
    if (wanted !== null && (id === null || !wanted.has(id))) {
      continue;
    }
    const group = id === null ? undefined : groups.get(id);
    if (group !== undefined) {
      group.push(entry);
      continue;
    }
    const created = [entry];
    ordered.push(created);
    if (id !== null) {
      groups.set(id, created);
    }
  }
  if (wanted !== null) {
    const missing = [...wanted].filter((id) => !groups.has(id));
    if (missing.length > 0) {
      throw new DeadLetterNotFoundError(queue, missing);
    }
  }
  return ordered;
}

/** Headers for the replayed copy: its own again, without the dead-letter trail, counted. */
export function replayHeaders(
  headers: Record<string, unknown>,
  replayedFrom: string,
  now: Date = new Date(),
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  const dropped = new Set<string>(DEAD_LETTER_HEADERS);
  for (const [key, value] of Object.entries(headers)) {
    if (!dropped.has(key)) {
      kept[key] = value;
    }
  }
  const previous = Number(headers[REPLAY_COUNT_HEADER] ?? 0);
  kept[REPLAY_COUNT_HEADER] = (Number.isFinite(previous) ? previous : 0) + 1;
  kept['x-replayed-at'] = now.toISOString();
  kept['x-replayed-from'] = `${replayedFrom}.dead-letter`;
  return kept;
}

/** What `list` shows of one message; `mainQueue` finds the broker's x-death entry for it. */
export function summarize(index: number, message: Message, mainQueue: string): DeadLetterSummary {
  const headers = message.properties.headers ?? {};
  const body = parseBody(message.content);
  const envelope =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const death = brokerDeath(headers, mainQueue);
  const messageId: unknown = message.properties.messageId;
  const type: unknown = message.properties.type;
  const error = text(headers['x-last-error']);
  return {
    index,
    envelopeId: stringOrNull(messageId) ?? stringOrNull(envelope['id']),
    type: stringOrNull(type) ?? stringOrNull(envelope['type']),
    deadLetteredAt: text(headers['x-dead-lettered-at']) ?? death?.time ?? null,
    reason:
      text(headers['x-dead-letter-reason']) ?? (death === null ? null : `${death.reason} (broker)`),
    error: error === null ? null : (error.split('\n')[0] ?? ''),
  };
}

/** The newest x-death entry of the service's queue: the broker's own dead-lettering. */
function brokerDeath(
  headers: Record<string, unknown>,
  mainQueue: string,
): { reason: string; time: string | null } | null {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths)) {
    return null;
  }
  for (const death of deaths as unknown[]) {
    if (typeof death !== 'object' || death === null) {
      continue;
    }
    const entry = death as Record<string, unknown>;
    if (text(entry['queue']) === mainQueue) {
      const time = printable(entry['time']);
      return {
        reason: text(entry['reason']) ?? 'unknown',
        time: typeof time === 'string' ? time : null,
      };
    }
  }
  return null;
}

function parseBody(content: Buffer): unknown {
  const body = content.toString('utf8');
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function printableProperties(message: Message): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries<unknown>({ ...message.properties })) {
    if (key !== 'headers' && value !== undefined) {
      properties[key] = key === 'timestamp' ? printable({ '!': 'timestamp', value }) : value;
    }
  }
  return properties;
}

export function printableHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    result[key] = printable(value);
  }
  return result;
}

/** amqplib hands byte strings over as Buffers and timestamps as {'!': 'timestamp', value}. */
function printable(value: unknown): unknown {
  if (Buffer.isBuffer(value)) {
    return value.toString('utf8');
  }
  if (Array.isArray(value)) {
    return (value as unknown[]).map(printable);
  }
  if (typeof value === 'object' && value !== null) {
    const typed = value as Record<string, unknown>;
    if (typed['!'] === 'timestamp' && typeof typed['value'] === 'number') {
      return new Date(typed['value'] * 1000).toISOString();
    }
    return printableHeaders(typed);
  }
  return value;
}

function text(value: unknown): string | null {
  const shown = printable(value);
  return typeof shown === 'string' ? shown : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
