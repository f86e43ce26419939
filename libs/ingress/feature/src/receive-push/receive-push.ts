import { Inject, Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '@wechat-desk/shared/config';
import { CachedChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { ConfirmPublisher, describeError } from '@wechat-desk/shared/messaging';

import { IngressMetrics } from '../ingress-metrics';
import { InvalidPushError, pushToEvent } from './push-to-event';
import { verifyPush, type PushQuery } from './push-verification';

export type PushOutcome =
  | { status: 200; body: 'success'; outcome: 'accepted' | 'disabled' }
  | { status: 400 | 401 | 404 | 503; body: string; outcome: string };

/** One WeChat push: verify, decrypt, parse, publish with a confirm; `success` only once durable. */
@Injectable()
export class ReceivePush {
  private readonly logger = new Logger(ReceivePush.name);

  constructor(
    @Inject(CachedChannelDirectory) private readonly channels: CachedChannelDirectory,
    @Inject(ConfirmPublisher) private readonly publisher: ConfirmPublisher,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {}

  async execute(channelId: string, query: PushQuery, body: string): Promise<PushOutcome> {
    const channel = this.channels.get(channelId);
    if (channel === undefined) {
      return this.done(channelId, {
        status: 404,
        body: 'unknown channel',
        outcome: 'unknown_channel',
      });
    }
    const verified = verifyPush(
      channel,
      query,
      body,
      Math.floor(Date.now() / 1000),
      this.config.INGRESS_MAX_CLOCK_SKEW_S,
    );
    if (!verified.ok) {
      this.metrics.verificationFailures.inc({ reason: verified.rejection.reason });
      return this.done(channelId, {
        status: verified.rejection.status,
        body: verified.rejection.reason.toLowerCase(),
        outcome: 'rejected',
      });
    }
    if (!channel.enabled) {
      return this.done(channelId, { status: 200, body: 'success', outcome: 'disabled' });
    }
    let envelope;
    try {
      envelope = pushToEvent(channel.channelId, verified.fields);
    } catch (error) {
      if (error instanceof InvalidPushError) {
        this.metrics.verificationFailures.inc({ reason: 'INVALID_FIELDS' });
        return this.done(channelId, { status: 400, body: 'invalid push', outcome: 'rejected' });
      }
      throw error;
    }
    const stopTimer = this.metrics.publishSeconds.startTimer();
    try {
      await this.publisher.publish(envelope);
    } catch (error) {
      // Not durable: a non-2xx makes WeChat send the push again.
      this.logger.warn(`Push for channel ${channelId} not accepted: ${describeError(error)}`);
      return this.done(channelId, { status: 503, body: 'try again', outcome: 'unavailable' });
    } finally {
      stopTimer();
    }
    return this.done(channelId, { status: 200, body: 'success', outcome: 'accepted' });
  }

  private done(channelId: string, outcome: PushOutcome): PushOutcome {
    this.metrics.pushes.inc({ channel: channelId, outcome: outcome.outcome });
    return outcome;
  }
}
