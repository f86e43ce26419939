import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type GetMessage,
  type Message,
  type Options,
} from 'amqplib';

const run = promisify(execFile);

/** rabbitmqctl, through `sudo -n` when not root (it needs the broker's Erlang cookie). */
async function rabbitmqctl(args: string[]): Promise<string> {
  const command = process.env['RABBITMQCTL'] ?? 'rabbitmqctl';
  const asRoot = typeof process.getuid !== 'function' || process.getuid() === 0;
  const [file, argv] = asRoot ? [command, args] : ['sudo', ['-n', command, ...args]];
  const { stdout } = await run(file, argv, { timeout: 30_000 });
  return stdout;
}

/**
 * Has the broker close every connection whose client-provided name matches, as an operator's
 * `rabbitmqctl close_connection` (or a broker restart) would: the client gets CONNECTION_FORCED.
 * Only the matching connections are touched, so tests running beside this one are not disturbed.
 * Returns how many were closed.
 */
export async function closeBrokerConnections(connectionName: string | RegExp): Promise<number> {
  const listing = await rabbitmqctl([
    'list_connections',
    '-q',
    '--no-table-headers',
    'pid',
    'client_properties',
  ]);
  const pids = listing
    .split('\n')
    .map((line) => {
      const [pid, properties = ''] = line.split('\t');
      const name = /\{"connection_name","((?:[^"\\]|\\.)*)"\}/.exec(properties)?.[1];
      return { pid: pid?.trim() ?? '', name };
    })
    .filter(
      ({ pid, name }) =>
        pid !== '' &&
        name !== undefined &&
        (typeof connectionName === 'string' ? name === connectionName : connectionName.test(name)),
    )
    .map(({ pid }) => pid);
  for (const pid of pids) {
    await rabbitmqctl(['close_connection', pid, 'closed by a test (fault injection)']);
  }
  return pids.length;
}

export interface BrokerQueue {
  name: string;
  type: string;
  durable: boolean;
  /** x-arguments as the broker holds them (an empty string shows as ''). */
  arguments: Record<string, string | number | boolean>;
}

/** The queues the broker has whose name starts with `prefix`, as `rabbitmqctl list_queues` shows them. */
export async function listBrokerQueues(prefix: string): Promise<BrokerQueue[]> {
  const listing = await rabbitmqctl([
    'list_queues',
    '-q',
    '--no-table-headers',
    'name',
    'type',
    'durable',
    'arguments',
  ]);
  return listing
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([name]) => name !== undefined && name.startsWith(prefix))
    .map(([name = '', type = '', durable = '', args = '']) => ({
      name,
      type,
      durable: durable === 'true',
      arguments: parseErlangArguments(args),
    }));
}

/** Bindings from an exchange: destination queue → routing keys. */
export async function listBrokerBindings(exchange: string): Promise<Map<string, string[]>> {
  const listing = await rabbitmqctl([
    'list_bindings',
    '-q',
    '--no-table-headers',
    'source_name',
    'destination_name',
    'destination_kind',
    'routing_key',
  ]);
  const bindings = new Map<string, string[]>();
  for (const line of listing.split('\n')) {
    const [source, destination = '', kind, key = ''] = line.split('\t');
    if (source === exchange && kind === 'queue') {
      bindings.set(destination, [...(bindings.get(destination) ?? []), key].sort());
    }
  }
  return bindings;
}

function parseErlangArguments(text: string): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  const entry = /\{"((?:[^"\\]|\\.)*)",("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|\[\]|true|false)\}/g;
  for (const [, key = '', raw = ''] of text.matchAll(entry)) {
    result[key] =
      raw === '[]'
        ? ''
        : raw === 'true' || raw === 'false'
          ? raw === 'true'
          : raw.startsWith('"')
            ? raw.slice(1, -1)
            : Number(raw);
  }
  return result;
}

/**
 * A plain amqplib client for tests to look at and poke the broker from outside the code under
 * test: queue state, raw publishes (malformed bodies, fake types), reading dead letters.
 * Every operation survives the channel errors it provokes (a fresh channel replaces a dead one).
 */
export class BrokerProbe {
  private channel: Channel | null = null;
  private confirmChannel: ConfirmChannel | null = null;
  private readonly returned = new Set<string>();

  private constructor(private readonly model: ChannelModel) {}

  static async open(url: string, connectionName = 'test-probe'): Promise<BrokerProbe> {
    const model = await connect(url, { clientProperties: { connection_name: connectionName } });
    model.on('error', () => undefined);
    return new BrokerProbe(model);
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }

  /** Runs one operation on a live channel; a channel error rejects and the next call gets a new one. */
  async use<T>(operation: (channel: Channel) => Promise<T>): Promise<T> {
    if (this.channel === null) {
      const channel = await this.model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.channel === channel) {
          this.channel = null;
        }
      });
      this.channel = channel;
    }
    return operation(this.channel);
  }

  /** Ready messages and consumers (throws NOT_FOUND for a missing queue). */
  async queue(name: string): Promise<{ messageCount: number; consumerCount: number }> {
    const { messageCount, consumerCount } = await this.use((channel) => channel.checkQueue(name));
    return { messageCount, consumerCount };
  }

  async queueExists(name: string): Promise<boolean> {
    try {
      await this.queue(name);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Consumers on a queue, 0 while it does not exist. A service consumes only after declaring and
   * binding the whole topology, so a consumer means a publish from now on is routed.
   */
  async consumerCount(name: string): Promise<number> {
    try {
      return (await this.queue(name)).consumerCount;
    } catch {
      return 0;
    }
  }

  /** publishRaw that fails when no queue was bound to take the message. */
  async publishRouted(
    exchange: string,
    routingKey: string,
    content: Buffer | string,
    options: Options.Publish = {},
  ): Promise<void> {
    if ((await this.publishRaw(exchange, routingKey, content, options)) === 'returned') {
      throw new Error(`${routingKey} was returned unroutable by ${exchange}: no queue bound yet`);
    }
  }

  /**
   * Publishes exactly these bytes with a confirm, `mandatory`: resolves 'routed' or 'returned'
   * (no queue bound), rejects on a nack or a channel error (e.g. a missing exchange).
   */
  async publishRaw(
    exchange: string,
    routingKey: string,
    content: Buffer | string,
    options: Options.Publish = {},
  ): Promise<'routed' | 'returned'> {
    const channel = await this.openConfirmChannel();
    const marker = `${Date.now()}-${Math.random()}`;
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange,
        routingKey,
        typeof content === 'string' ? Buffer.from(content) : content,
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          ...options,
          headers: {
            ...(options.headers as Record<string, unknown> | undefined),
            'x-probe': marker,
          },
        },
        (error: unknown) => (error ? reject(asError(error)) : resolve()),
      );
    });
    const wasReturned = this.returned.delete(marker);
    return wasReturned ? 'returned' : 'routed';
  }

  /** Takes every message now in the queue (basic.get, acked). */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.use((channel) => channel.get(queue, { noAck: true }));
      if (message === false) {
        return messages;
      }
      messages.push(message);
    }
  }

  /** Consumes a queue, acking each message after `onMessage`; returns a function that stops it. */
  async consume(
    queue: string,
    onMessage: (message: ConsumeMessage) => void,
  ): Promise<() => Promise<void>> {
    const channel = await this.model.createChannel();
    channel.on('error', () => undefined);
    await channel.consume(queue, (message) => {
      if (message !== null) {
        onMessage(message);
        channel.ack(message);
      }
    });
    return () => channel.close().catch(() => undefined);
  }

  private async openConfirmChannel(): Promise<ConfirmChannel> {
    if (this.confirmChannel === null) {
      const channel = await this.model.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('return', (message: Message) => {
        const marker = message.properties.headers?.['x-probe'] as string | undefined;
        if (marker !== undefined) {
          this.returned.add(marker);
        }
      });
      channel.on('close', () => {
        if (this.confirmChannel === channel) {
          this.confirmChannel = null;
        }
      });
      this.confirmChannel = channel;
    }
    return this.confirmChannel;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Header value of a consumed message as text (amqplib hands long strings over as Buffers). */
export function headerText(message: Message, name: string): string | undefined {
  const value: unknown = message.properties.headers?.[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (Buffer.isBuffer(value)) {
    return value.toString('utf8');
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}
