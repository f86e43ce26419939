import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';

import { MetricsRegistry } from '@wechat-desk/shared/observability';

export type StreamDropReason = 'slow' | 'signed-out' | 'failed';

@Injectable()
export class StreamMetrics {
  readonly clients: Gauge;
  readonly eventsSent: Counter<'type'>;
  readonly clientsDropped: Counter<'reason'>;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.clients = new Gauge({
      name: 'desk_stream_clients',
      help: 'Clients connected to GET /api/v1/stream on this replica',
      registers,
    });
    this.eventsSent = new Counter({
      name: 'desk_stream_events_sent_total',
      help: 'Live events written to stream clients, by type',
      labelNames: ['type'],
      registers,
    });
    this.clientsDropped = new Counter({
      name: 'desk_stream_clients_dropped_total',
      help: 'Stream clients closed by the server, by reason',
      labelNames: ['reason'],
      registers,
    });
  }
}
