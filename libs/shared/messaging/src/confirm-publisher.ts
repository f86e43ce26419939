import { Logger } from '@nestjs/common';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { sleep } from '@wechat-desk/shared/util';

import type { AmqpConnection } from './amqp-connection';
import {
  BrokerUnavailableError,
  PublishNackedError,
  PublishTimeoutError,
  UnroutableMessageError,
} from './errors';

const CONFIRM_ID_HEADER = 'x-confirm-id';
/** Pause before replacing a channel the broker closed, so a persistent fault cannot spin. */
const REOPEN_DELAY_MS = 200;

interface PublishProperties {
  messageId: string | undefined;
  type: string | undefined;
  correlationId: string | undefined;
  timestamp: number | undefined;
  headers?: Record<string, unknown>;
  timeoutMs?: number | undefined;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  returned: boolean;
  channel: ConfirmChannel;
}

/**
 * Publishes persistent, mandatory messages on a confirm channel: the promise resolves only once
 * the broker took responsibility, and rejects when it refused, could not route, or did not answer.
 */
export class ConfirmPublisher {
  private readonly logger = new Logger(ConfirmPublisher.name);
  private channel: ConfirmChannel | null = null;
  /** Channels that closed: a publish still unconfirmed on one was lost with it, not refused. */
  private readonly closedChannels = new WeakSet<ConfirmChannel>();
  private readonly pending = new Map<string, Pending>();
  private sequence = 0;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly exchange: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  async init(): Promise<void> {
    await this.connection.onReady((model) => this.openChannel(model));
  }

  get ready(): boolean {
    return this.channel !== null;
  }

  publish(envelope: EventEnvelope, options: { timeoutMs?: number } = {}): Promise<void> {
    return this.send(this.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      messageId: envelope.id,
      type: envelope.type,
      correlationId: envelope.correlationId,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      timeoutMs: options.timeoutMs,
    });
  }

  /** Puts a copy of a consumed message straight into a queue (retry and dead-letter hops). */
  publishToQueue(
    queue: string,
    original: Message,
    headers: Record<string, unknown>,
  ): Promise<void> {
    return this.send('', queue, original.content, {
      messageId: original.properties.messageId as string | undefined,
      type: original.properties.type as string | undefined,
      correlationId: original.properties.correlationId as string | undefined,
      timestamp: original.properties.timestamp as number | undefined,
      headers: { ...(original.properties.headers ?? {}), ...headers },
    });
  }

  private send(
    exchange: string,
    routingKey: string,
    content: Buffer,
    props: PublishProperties,
  ): Promise<void> {
    const channel = this.channel;
    if (channel === null) {
      return Promise.reject(new BrokerUnavailableError('RabbitMQ is not connected'));
    }
    const confirmId = `${process.pid}-${++this.sequence}`;
    // Built field by field, not by spreading: this runs for every message the ingress accepts.
    const headers: Record<string, unknown> =
      props.headers === undefined ? {} : Object.assign({}, props.headers);
    headers[CONFIRM_ID_HEADER] = confirmId;
    const options: Options.Publish = {
      messageId: props.messageId,
      type: props.type,
      correlationId: props.correlationId,
      timestamp: props.timestamp,
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      headers,
    };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(confirmId);
        reject(new PublishTimeoutError(`RabbitMQ did not confirm ${routingKey} in time`));
      }, props.timeoutMs ?? this.defaultTimeoutMs);
      this.pending.set(confirmId, { resolve, reject, timer, returned: false, channel });
      try {
        channel.publish(exchange, routingKey, content, options, (error: unknown) =>
          this.settle(confirmId, routingKey, error),
        );
      } catch (error) {
        this.settle(confirmId, routingKey, error ?? new Error('publish failed'));
      }
    });
  }

  private settle(confirmId: string, routingKey: string, error: unknown): void {
    const entry = this.pending.get(confirmId);
    if (entry === undefined) {
      return;
    }
    this.pending.delete(confirmId);
    clearTimeout(entry.timer);
    if (error !== null && error !== undefined) {
      entry.reject(
        this.closedChannels.has(entry.channel)
          ? new BrokerUnavailableError(`RabbitMQ channel closed before confirming ${routingKey}`)
          : new PublishNackedError(`RabbitMQ refused ${routingKey}`),
      );
    } else if (entry.returned) {
      entry.reject(new UnroutableMessageError(`No queue is bound for ${routingKey}`));
    } else {
      entry.resolve();
    }
  }

  private async openChannel(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('return', (message: Message) => {
      const id = message.properties.headers?.[CONFIRM_ID_HEADER] as string | undefined;
      const entry = id === undefined ? undefined : this.pending.get(id);
      if (entry !== undefined) {
        entry.returned = true;
      }
    });
    channel.on('error', (error: Error) =>
      this.logger.warn(`Publisher channel error: ${error.message}`),
    );
    // amqplib errors the callbacks of unconfirmed publishes from its own 'close' listener, which
    // runs before any appended one: mark the channel closed first, so they count as lost.
    channel.prependListener('close', () => {
      this.closedChannels.add(channel);
      if (this.channel === channel) {
        this.channel = null;
      }
    });
    channel.on('close', () => {
      // Catches any unconfirmed publish of this channel that amqplib did not call back.
      for (const [id, entry] of this.pending) {
        if (entry.channel === channel) {
          this.settle(id, 'message', new BrokerUnavailableError('channel closed'));
        }
      }
      // A channel error (e.g. a missing exchange) closes only the channel: open another on the
      // same connection. If the connection is gone this fails, and the reconnect reopens one.
      void this.reopen(model);
    });
    this.channel = channel;
  }

  private async reopen(model: ChannelModel): Promise<void> {
    await sleep(REOPEN_DELAY_MS);
    if (this.channel !== null) {
      return;
    }
    try {
      await this.openChannel(model);
      this.logger.log('Publisher channel reopened');
    } catch {
      // Connection closed or closing: AmqpConnection reconnects and runs init's hook again.
    }
  }
}
