import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';

import { ContractViolationError, parseEnvelope, type EventEnvelope } from '@wechat-desk/contracts';

import { AmqpConnection, describeError } from './amqp-connection';
import { AmqpContext } from './amqp-context';
import type { ConfirmPublisher } from './confirm-publisher';
import { NonRetryableError } from './errors';
import type { DeliveryObserver, DeliveryOutcome } from './messaging-metrics';
import { decideOnFailure } from './retry-policy';
import { SUBSCRIPTIONS, topologyNames, type ServiceName } from './topology';

export interface AmqpTransportOptions {
  service: ServiceName;
  namespace: string;
  prefetch: number;
  maxAttempts: number;
  retryDelaysMs: readonly number[];
  /** Told how every delivery was settled (metrics). */
  observer?: DeliveryObserver;
}

export const AMQP_TRANSPORT = Symbol('AMQP_TRANSPORT');

/**
 * Nest microservice transport over amqplib that never loses a message: manual acks, routing by
 * the message's own type, validation against the contract, bounded retries through delay queues
 * and a dead-letter queue. A message is acked only after its handler succeeded or after a copy of
 * it was confirmed into a retry or dead-letter queue.
 */
export class AmqpTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = AMQP_TRANSPORT;
  protected override readonly logger = new Logger(AmqpTransport.name);
  private readonly names;
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private warnedAboutMaskedErrors = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: ConfirmPublisher,
    private readonly options: AmqpTransportOptions,
  ) {
    super();
    this.names = topologyNames(options.namespace);
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.checkHandlersMatchSubscriptions();
    } catch (error) {
      callback(error);
      return;
    }
    this.connection
      .onReady((model) => this.startConsuming(model))
      .then(
        () => callback(),
        (error: unknown) => callback(error),
      );
  }

  /** Stops taking messages, lets in-flight handlers finish, then closes the channel. */
  async close(): Promise<void> {
    this.closing = true;
    const channel = this.channel;
    if (channel !== null && this.consumerTag !== null) {
      await channel.cancel(this.consumerTag).catch(() => undefined);
    }
    await Promise.allSettled([...this.inFlight]);
    this.channel = null;
    await channel?.close().catch(() => undefined);
  }

  on(): void {
    throw new Error('AmqpTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** Fail at boot, not at 3 a.m.: every subscribed key needs a handler and vice versa. */
  private checkHandlersMatchSubscriptions(): void {
    const subscribed = new Set<string>(SUBSCRIPTIONS[this.options.service]);
    const handled = new Set(this.messageHandlers.keys());
    const missing = [...subscribed].filter((key) => !handled.has(key));
    const extra = [...handled].filter((key) => !subscribed.has(key));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `Service ${this.options.service}: handlers and subscriptions differ ` +
          `(no handler: ${missing.join(', ') || 'none'}; not subscribed: ${extra.join(', ') || 'none'})`,
      );
    }
  }

  private async startConsuming(model: ChannelModel): Promise<void> {
    if (this.closing) {
      return;
    }
    const channel = await model.createChannel();
    channel.on('error', (error: Error) =>
      this.logger.warn(`Consumer channel error: ${error.message}`),
    );
    channel.on('close', () => {
      if (this.channel === channel) {
        this.channel = null;
      }
    });
    await channel.prefetch(this.options.prefetch);
    const queue = this.names.queue(this.options.service);
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (message === null) {
        this.logger.warn(`Consumer of ${queue} was cancelled by the broker`);
        return;
      }
      const work = this.handleDelivery(channel, message);
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
    this.channel = channel;
    this.consumerTag = consumerTag;
    this.logger.log(`Consuming ${queue} (prefetch ${this.options.prefetch})`);
  }

  private async handleDelivery(channel: Channel, message: ConsumeMessage): Promise<void> {
    const startedAt = performance.now();
    const { type, outcome } = await this.settleDelivery(channel, message);
    this.options.observer?.settled(type, outcome, (performance.now() - startedAt) / 1000);
  }

  /** Handles one delivery and settles it; says what it was and how it was settled. */
  private async settleDelivery(
    channel: Channel,
    message: ConsumeMessage,
  ): Promise<{ type: string; outcome: DeliveryOutcome }> {
    const attempt = Number(message.properties.headers?.['x-attempt'] ?? 1) || 1;
    let envelope: EventEnvelope;
    try {
      envelope = parseEnvelope(JSON.parse(message.content.toString('utf8')));
    } catch (error) {
      const reason = error instanceof ContractViolationError ? 'CONTRACT_VIOLATION' : 'MALFORMED';
      return { type: 'unparsed', outcome: await this.deadLetter(channel, message, reason, error) };
    }
    const type = envelope.type;
    const handler = this.getHandlerByPattern(type);
    if (handler === null) {
      const error = new Error(`no handler for ${type}`);
      return { type, outcome: await this.deadLetter(channel, message, 'NO_HANDLER', error) };
    }
    try {
      const result: unknown = await handler(
        envelope.data,
        new AmqpContext([message, envelope, attempt]),
      );
      if (isObservable(result)) {
        await lastValueFrom(result, { defaultValue: undefined });
      }
      settle(channel, message, 'ack');
      return { type, outcome: 'acked' };
    } catch (error) {
      return {
        type,
        outcome: await this.onHandlerFailure(channel, message, envelope, attempt, error),
      };
    }
  }

  private async onHandlerFailure(
    channel: Channel,
    message: ConsumeMessage,
    envelope: EventEnvelope,
    attempt: number,
    error: unknown,
  ): Promise<DeliveryOutcome> {
    this.warnIfErrorWasMasked(error);
    const decision = decideOnFailure(
      attempt,
      this.options.maxAttempts,
      this.options.retryDelaysMs,
      !(error instanceof NonRetryableError),
    );
    switch (decision.action) {
      case 'retry':
        this.logger.warn(
          `${envelope.type} ${envelope.id} failed on attempt ${attempt} (${describeError(error)}); retrying in ${decision.delayMs} ms`,
        );
        return (await this.moveTo(
          channel,
          message,
          this.names.retryQueue(this.options.service, decision.delayMs),
          {
            'x-attempt': decision.nextAttempt,
            'x-last-error': truncate(describeError(error)),
          },
        ))
          ? 'retried'
          : 'requeued';
      case 'dead-letter':
        return this.deadLetter(channel, message, decision.reason, error);
    }
  }

  /**
   * Nest's default RPC exception filter turns any handler error into `{ status: 'error', message }`
   * (a NonRetryableError would be retried, x-last-error would say little). connectConsumer()
   * prevents that; an app wired otherwise gets this warning once instead of failing silently.
   */
  private warnIfErrorWasMasked(error: unknown): void {
    if (
      this.warnedAboutMaskedErrors ||
      error instanceof Error ||
      typeof error !== 'object' ||
      error === null
    ) {
      return;
    }
    if ((error as { status?: unknown }).status === 'error') {
      this.warnedAboutMaskedErrors = true;
      this.logger.warn(
        "Handler errors arrive masked by Nest's RPC exception filter: a NonRetryableError is " +
          'retried and x-last-error says little. Attach the consumer with connectConsumer(app).',
      );
    }
  }

  private async deadLetter(
    channel: Channel,
    message: ConsumeMessage,
    reason: string,
    error: unknown,
  ): Promise<DeliveryOutcome> {
    this.logger.error(
      `Dead-lettering message ${String(message.properties.messageId)} (${reason}): ${describeError(error)}`,
    );
    const moved = await this.moveTo(
      channel,
      message,
      this.names.deadLetterQueue(this.options.service),
      {
        'x-dead-letter-reason': reason,
        'x-last-error': truncate(describeError(error)),
        'x-dead-lettered-at': new Date().toISOString(),
        'x-dead-lettered-by': this.options.service,
      },
    );
    if (!moved) {
      return 'requeued';
    }
    this.options.observer?.deadLettered(reason);
    return 'dead_lettered';
  }

  /**
   * Copy first, then ack: if the copy cannot be confirmed the original is returned to the queue.
   * Whether the copy was confirmed.
   */
  private async moveTo(
    channel: Channel,
    message: ConsumeMessage,
    queue: string,
    headers: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.publisher.publishToQueue(queue, message, headers);
      settle(channel, message, 'ack');
      return true;
    } catch (error) {
      this.logger.warn(
        `Could not move message to ${queue} (${describeError(error)}); requeueing it`,
      );
      settle(channel, message, 'requeue');
      return false;
    }
  }
}

/** Acks and nacks belong to the channel that delivered; on a closed channel the broker redelivers. */
function settle(channel: Channel, message: ConsumeMessage, outcome: 'ack' | 'requeue'): void {
  try {
    if (outcome === 'ack') {
      channel.ack(message);
    } else {
      channel.nack(message, false, true);
    }
  } catch {
    // Channel already closed: the delivery returns to the queue by itself.
  }
}

function truncate(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
