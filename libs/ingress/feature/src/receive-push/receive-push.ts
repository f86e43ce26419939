import { Inject, Injectable, Logger } from '@nestjs/common';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { CachedChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { AppConfig } from '@wechat-desk/shared/config';

import { DurableAcceptance, NotDurableError } from '../durable-acceptance/durable-acceptance';
import { IngressMetrics, type PushOutcomeLabel } from '../ingress-metrics';
import { messageDigest } from '../replay-guard/nonce-check';
import { ReplayGuard } from '../replay-guard/replay-guard';
import { InvalidPushError, pushToEvent } from './push-to-event';
import { verifyPush, type PushQuery } from './push-verification';

export type PushOutcome =
  | { status: 200; body: 'success'; outcome: 'published' | 'spooled' | 'disabled' }
  | { status: 400 | 401 | 404 | 503; body: string; outcome: PushOutcomeLabel };

/** `wechat.message.text.v1` → `message.text`: a bounded label for metrics. */
function typeLabel(envelope: EventEnvelope): string {
  return envelope.type.replace(/^wechat\./, '').replace(/\.v\d+$/, '');
}

/**
 * One WeChat push: verify, decrypt, parse, validate, refuse a replayed nonce, then make it durable
 * (confirmed publish, or the spool); `success` only once it is.
 */
@Injectable()
export class ReceivePush {
  private readonly logger = new Logger(ReceivePush.name);

  constructor(
    @Inject(CachedChannelDirectory) private readonly channels: CachedChannelDirectory,
    @Inject(DurableAcceptance) private readonly acceptance: DurableAcceptance,
    @Inject(ReplayGuard) private readonly replayGuard: ReplayGuard,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
  ) {}

  async execute(channelId: string, query: PushQuery, body: string): Promise<PushOutcome> {
    const channel = this.channels.get(channelId);
    if (channel === undefined) {
      // The id comes from the URL: not a label value, or anyone could grow the metrics at will.
      return this.done('unknown', 'unparsed', {
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
      return this.refused(channelId, 'unparsed', verified.rejection);
    }
    let envelope: EventEnvelope;
    try {
      envelope = pushToEvent(channel.channelId, verified.fields);
    } catch (error) {
      if (error instanceof InvalidPushError) {
        this.logger.debug(`Invalid push for channel ${channelId}: ${error.message}`);
        return this.refused(channelId, 'unparsed', { status: 400, reason: 'INVALID_FIELDS' });
      }
      throw error;
    }
    const type = typeLabel(envelope);
    if (!channel.enabled) {
      return this.done(channelId, type, { status: 200, body: 'success', outcome: 'disabled' });
    }
    const seen = await this.replayGuard.check(
      channel.channelId,
      verified.timestamp,
      verified.nonce,
      messageDigest(verified.message),
    );
    if (seen === 'replay') {
      return this.refused(channelId, type, { status: 401, reason: 'REPLAYED_NONCE' });
    }
    try {
      const acceptance = await this.acceptance.accept(envelope);
      return this.done(channelId, type, { status: 200, body: 'success', outcome: acceptance });
    } catch (error) {
      if (!(error instanceof NotDurableError)) {
        throw error;
      }
      this.logger.warn(`Push for channel ${channelId} answered 503: ${error.message}`);
      return this.done(channelId, type, { status: 503, body: 'try again', outcome: 'unavailable' });
    }
  }

  private refused(
    channelId: string,
    type: string,
    rejection: { status: 400 | 401; reason: string },
  ): PushOutcome {
    this.metrics.verificationFailures.inc({ reason: rejection.reason });
    return this.done(channelId, type, {
      status: rejection.status,
      body: rejection.reason.toLowerCase(),
      outcome: rejection.reason === 'REPLAYED_NONCE' ? 'replay' : 'rejected',
    });
  }

  private done(channelId: string, type: string, outcome: PushOutcome): PushOutcome {
    this.metrics.pushes.inc({ channel: channelId, type, outcome: outcome.outcome });
    return outcome;
  }
}
