import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';

import { MetricsRegistry } from '@wechat-desk/shared/observability';

/** stored / failed (gave up, with a code) / deferred (handed back for a later redelivery) / skipped (already done). */
export type MediaDownloadOutcome = 'stored' | 'failed' | 'deferred' | 'skipped';

@Injectable()
export class ConversationMetrics {
  readonly mediaDownloads: Counter<'outcome' | 'code'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.mediaDownloads = new Counter({
      name: 'conversation_media_downloads_total',
      help: 'Media download requests handled, by outcome and failure code (none when not failed)',
      labelNames: ['outcome', 'code'],
      registers: [metrics.registry],
    });
  }

  mediaDownload(outcome: MediaDownloadOutcome, code = 'none'): void {
    this.mediaDownloads.inc({ outcome, code });
  }
}
