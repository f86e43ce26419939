import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { AppConfig } from '@wechat-desk/shared/config';
import { ConfirmPublisher, describeError, OutboxRelay } from '@wechat-desk/shared/messaging';
import { HealthRegistry } from '@wechat-desk/shared/observability';
import { GroupCommit, withTimeout } from '@wechat-desk/shared/util';

import { PushSpoolRepository } from '../data-access/push-spool.repository';
import { IngressMetrics } from '../ingress-metrics';

export type Acceptance = 'published' | 'spooled';

/** Neither RabbitMQ nor the spool took the push: WeChat must send it again. */
export class NotDurableError extends Error {
  override name = 'NotDurableError';
}

/**
 * Makes a push durable before WeChat hears `success`: a publish confirmed by RabbitMQ, or else a
 * row committed to the spool, which the outbox relay publishes in order of arrival when RabbitMQ
 * is back. While the spool holds pushes, new ones join it behind them, so arrival order holds.
 */
@Injectable()
export class DurableAcceptance implements OnModuleInit {
  private readonly logger = new Logger(DurableAcceptance.name);
  private spooling = false;
  /** Pushes spooled while a spool write runs share the next one: one commit for many. */
  private readonly spoolWrites: GroupCommit<EventEnvelope>;

  constructor(
    @Inject(ConfirmPublisher) private readonly publisher: ConfirmPublisher,
    @Inject(PushSpoolRepository) private readonly spool: PushSpoolRepository,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.spoolWrites = new GroupCommit((envelopes) => this.spool.addAll(envelopes), {
      maxBatch: 500,
      writeTimeoutMs: config.INGRESS_SPOOL_TIMEOUT_MS,
      description: 'spool write',
    });
  }

  onModuleInit(): void {
    this.relay.onBacklog((hasBacklog) => this.setSpooling(hasBacklog));
    // The ingress is ready while either RabbitMQ or the spool can take pushes.
    this.health.reportOnly('rabbitmq');
    this.health.reportOnly('postgres');
    this.health.reportOnly('redis');
    this.health.register('durable-acceptance', async () => {
      if (this.publisher.ready) {
        return true;
      }
      await this.spool.depth();
      return true;
    });
    this.metrics.measureSpoolDepthWith(() => withTimeout(this.spool.depth(), 1_000, 'spool depth'));
  }

  async accept(envelope: EventEnvelope): Promise<Acceptance> {
    let publishError: unknown = null;
    if (!this.spooling) {
      publishError = await this.tryPublish(envelope);
      if (publishError === null) {
        return 'published';
      }
    }
    try {
      // Bounds the wait for an earlier write too, not only this push's own.
      await withTimeout(
        this.spoolWrites.submit(envelope),
        this.config.INGRESS_SPOOL_TIMEOUT_MS,
        'spool write',
      );
    } catch (spoolError) {
      // With the spool unreachable, keeping arrival order behind it is moot: try RabbitMQ.
      if (this.spooling && (await this.tryPublish(envelope)) === null) {
        return 'published';
      }
      // A write that completes after the timeout is only a duplicate of WeChat's retry: deduped.
      throw new NotDurableError(
        `neither RabbitMQ nor the spool accepted the push: ${describeError(spoolError)}`,
      );
    }
    this.setSpooling(true, publishError);
    return 'spooled';
  }

  /** Null once RabbitMQ confirmed, else why not. */
  private async tryPublish(envelope: EventEnvelope): Promise<unknown> {
    const stopTimer = this.metrics.publishSeconds.startTimer();
    try {
      await this.publisher.publish(envelope, {
        timeoutMs: this.config.INGRESS_PUBLISH_TIMEOUT_MS,
      });
      stopTimer({ outcome: 'confirmed' });
      return null;
    } catch (error) {
      stopTimer({ outcome: 'failed' });
      return error;
    }
  }

  private setSpooling(spooling: boolean, cause: unknown = null): void {
    if (spooling === this.spooling) {
      return;
    }
    this.spooling = spooling;
    if (spooling) {
      this.logger.warn(
        `Pushes go to the spool until it drains${cause === null ? '' : `: ${describeError(cause)}`}`,
      );
    } else {
      this.logger.log('Spool drained: pushes are published directly again');
    }
  }
}
