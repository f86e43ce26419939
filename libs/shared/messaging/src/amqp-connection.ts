import { Logger } from '@nestjs/common';
import { connect, type Channel, type ChannelModel } from 'amqplib';

import { sleep } from '@wechat-desk/shared/util';

import { BrokerUnavailableError } from './errors';

export type ConnectionReadyHook = (model: ChannelModel) => Promise<void>;

export interface AmqpConnectionOptions {
  url: string;
  /** Shown in the RabbitMQ management UI, so an operator sees which process holds a connection. */
  connectionName: string;
  heartbeatSeconds?: number;
  /**
   * The longest pause between attempts (2 s): a broker back from an outage is used within about
   * that, and a refused attempt costs it next to nothing.
   */
  maxReconnectDelayMs?: number;
}

/**
 * One AMQP connection per process that comes back by itself: after every (re)connect the
 * registered hooks run again (topology, channels, consumers), in registration order.
 */
export class AmqpConnection {
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly hooks: ConnectionReadyHook[] = [];
  private model: ChannelModel | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly readyWaiters: Array<() => void> = [];

  constructor(private readonly options: AmqpConnectionOptions) {}

  get connected(): boolean {
    return this.model !== null;
  }

  /** Registers a hook; if already connected it also runs now on the current connection. */
  async onReady(hook: ConnectionReadyHook): Promise<void> {
    this.hooks.push(hook);
    if (this.model !== null) {
      await hook(this.model);
    }
  }

  /** Starts connecting in the background; resolves once the first connection is ready. */
  start(): Promise<void> {
    if (this.loop === null) {
      this.loop = this.run();
    }
    return this.waitUntilReady();
  }

  waitUntilReady(): Promise<void> {
    if (this.model !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Runs `work` on a channel of its own on the current connection, closed afterwards. */
  async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const model = this.model;
    if (model === null) {
      throw new BrokerUnavailableError('RabbitMQ is not connected');
    }
    const channel = await model.createChannel();
    // A failed command closes the channel with an error event; the command's promise rejects too.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    const model = this.model;
    this.model = null;
    if (model !== null) {
      await model.close().catch(() => undefined);
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const { closed } = await this.connectOnce();
        failures = 0;
        await closed;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) {
          this.logger.warn(`RabbitMQ not reachable (${describeError(error)}); retrying`);
        }
      }
      if (this.stopping) {
        return;
      }
      const cap = this.options.maxReconnectDelayMs ?? 2_000;
      await sleep(Math.min(cap, 100 * 2 ** Math.min(failures, 10)) * (0.8 + Math.random() * 0.4));
    }
  }

  /** Connects and runs the hooks; `closed` settles when the connection is gone. */
  private async connectOnce(): Promise<{ closed: Promise<void> }> {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) {
      url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    }
    const model = await connect(url.toString(), {
      timeout: 5_000,
      clientProperties: { connection_name: this.options.connectionName },
    });
    const closed = new Promise<void>((resolve) => {
      model.on('close', (error?: Error) => {
        if (this.model === model) {
          this.model = null;
        }
        if (!this.stopping) {
          this.logger.warn(`RabbitMQ connection closed${error ? `: ${describeError(error)}` : ''}`);
        }
        resolve();
      });
    });
    model.on('error', (error: Error) =>
      this.logger.warn(`RabbitMQ connection error: ${describeError(error)}`),
    );
    model.on('blocked', (reason: string) =>
      this.logger.warn(`RabbitMQ blocked the connection: ${reason}`),
    );
    try {
      for (const hook of this.hooks) {
        await hook(model);
      }
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    if (this.stopping) {
      await model.close().catch(() => undefined);
      return { closed };
    }
    this.model = model;
    this.logger.log('Connected to RabbitMQ');
    for (const resolve of this.readyWaiters.splice(0)) {
      resolve();
    }
    return { closed };
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  // Non-Error objects with a message (e.g. what Nest's RPC exception filter emits).
  const message =
    typeof error === 'object' && error !== null
      ? (error as { message?: unknown }).message
      : undefined;
  return typeof message === 'string' ? message : String(error);
}
