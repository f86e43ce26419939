import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';

import { MetricsRegistry } from '@wechat-desk/shared/observability';

export type PushOutcomeLabel =
  'published' | 'spooled' | 'disabled' | 'rejected' | 'replay' | 'unknown_channel' | 'unavailable';

@Injectable()
export class IngressMetrics {
  readonly pushes: Counter<'channel' | 'type' | 'outcome'>;
  readonly verificationFailures: Counter<'reason'>;
  readonly publishSeconds: Histogram<'outcome'>;
  readonly spoolDepth: Gauge;
  private spoolDepthSource: (() => Promise<number>) | null = null;
  readonly replayGuardDegraded: Counter;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.pushes = new Counter({
      name: 'ingress_pushes_total',
      help: 'WeChat pushes received, by channel (unknown for ids that are not channels), type and outcome',
      labelNames: ['channel', 'type', 'outcome'],
      registers,
    });
    this.verificationFailures = new Counter({
      name: 'ingress_verification_failures_total',
      help: 'Pushes refused, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.publishSeconds = new Histogram({
      name: 'ingress_publish_seconds',
      help: 'Time from publish to broker confirm (outcome confirmed) or to giving up (failed)',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers,
    });
    const source = (): (() => Promise<number>) | null => this.spoolDepthSource;
    this.spoolDepth = new Gauge({
      name: 'ingress_fallback_depth',
      help: 'Pushes in the durable fallback spool, waiting for RabbitMQ',
      registers,
      async collect() {
        const measure = source();
        if (measure === null) {
          return;
        }
        try {
          this.set(await measure());
        } catch {
          // Keeps the last value: the spool cannot be read now, so it is not known to have changed.
        }
      },
    });
    this.replayGuardDegraded = new Counter({
      name: 'ingress_replay_guard_degraded_total',
      help: 'Nonce checks made in process memory because Redis did not answer',
      registers,
    });
  }

  /** Where the fallback depth is read at each scrape. */
  measureSpoolDepthWith(measure: () => Promise<number>): void {
    this.spoolDepthSource = measure;
  }
}
