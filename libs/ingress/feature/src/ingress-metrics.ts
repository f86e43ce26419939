import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';

import { MetricsRegistry } from '@wechat-desk/shared/observability';

@Injectable()
export class IngressMetrics {
  readonly pushes: Counter<'channel' | 'outcome'>;
  readonly verificationFailures: Counter<'reason'>;
  readonly publishSeconds: Histogram;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.pushes = new Counter({
      name: 'ingress_pushes_total',
      help: 'WeChat pushes received, by channel and outcome',
      labelNames: ['channel', 'outcome'],
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
      help: 'Time from publish to broker confirm',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers,
    });
  }
}
