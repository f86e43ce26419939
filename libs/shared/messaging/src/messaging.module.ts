import { hostname } from 'node:os';

import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppConfig } from '@wechat-desk/shared/config';
import { HealthRegistry, MetricsRegistry } from '@wechat-desk/shared/observability';
import { SERVICE_SCHEMA } from '@wechat-desk/shared/persistence';

import { AmqpConnection } from './amqp-connection';
import { AmqpTransport } from './amqp-transport';
import { ConfirmPublisher } from './confirm-publisher';
import { assertTopology } from './declare-topology';
import { MessagingMetrics, readQueueDepths } from './messaging-metrics';
import { OutboxRelay } from './outbox-relay';
import { topologyNames, type ServiceName } from './topology';

export interface MessagingModuleOptions {
  service: ServiceName;
  /** Relay this service's outbox table (needs PersistenceModule), optionally strictly in order. */
  outbox: boolean | { inOrder: boolean };
}

@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(AmqpConnection) private readonly connection: AmqpConnection,
    @Inject(ConfirmPublisher) private readonly publisher: ConfirmPublisher,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Optional() @Inject(OutboxRelay) private readonly relay: OutboxRelay | null,
    @Optional() @Inject(HealthRegistry) private readonly health: HealthRegistry | null,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health?.register('rabbitmq', () => this.connection.connected && this.publisher.ready);
    await this.connection.onReady(async (model) => {
      const channel = await model.createChannel();
      try {
        await assertTopology(
          channel,
          this.config.MESSAGING_NAMESPACE,
          this.config.RABBITMQ_RETRY_DELAYS_MS,
        );
      } finally {
        await channel.close().catch(() => undefined);
      }
    });
    await this.publisher.init();
    // Not awaited: a process starts while the broker is down and connects when it is back.
    void this.connection.start();
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.connection.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: AmqpConnection,
          inject: [AppConfig],
          useFactory: (config: AppConfig) =>
            new AmqpConnection({
              url: config.RABBITMQ_URL,
              connectionName: `${options.service}@${hostname()}:${process.pid}`,
            }),
        },
        {
          provide: ConfirmPublisher,
          inject: [AmqpConnection, AppConfig],
          useFactory: (connection: AmqpConnection, config: AppConfig) =>
            new ConfirmPublisher(
              connection,
              topologyNames(config.MESSAGING_NAMESPACE).exchange,
              config.RABBITMQ_CONFIRM_TIMEOUT_MS,
            ),
        },
        {
          // Only where the app exposes metrics (ObservabilityModule).
          provide: MessagingMetrics,
          inject: [
            AmqpConnection,
            AppConfig,
            { token: MetricsRegistry, optional: true },
            { token: OutboxRelay, optional: true },
          ],
          useFactory: (
            connection: AmqpConnection,
            config: AppConfig,
            metrics: MetricsRegistry | undefined,
            relay: OutboxRelay | undefined,
          ): MessagingMetrics | null =>
            metrics === undefined
              ? null
              : new MessagingMetrics(metrics.registry, {
                  queueDepths: () =>
                    readQueueDepths(
                      connection,
                      topologyNames(config.MESSAGING_NAMESPACE),
                      options.service,
                      config.RABBITMQ_RETRY_DELAYS_MS,
                    ),
                  ...(relay === undefined ? {} : { outboxRows: () => relay.pendingRows() }),
                }),
        },
        {
          provide: AmqpTransport,
          inject: [AmqpConnection, ConfirmPublisher, AppConfig, MessagingMetrics],
          useFactory: (
            connection: AmqpConnection,
            publisher: ConfirmPublisher,
            config: AppConfig,
            metrics: MessagingMetrics | null,
          ) =>
            new AmqpTransport(connection, publisher, {
              service: options.service,
              namespace: config.MESSAGING_NAMESPACE,
              prefetch: config.RABBITMQ_PREFETCH,
              maxAttempts: config.RABBITMQ_MAX_ATTEMPTS,
              retryDelaysMs: config.RABBITMQ_RETRY_DELAYS_MS,
              ...(metrics === null ? {} : { observer: metrics }),
            }),
        },
        ...(options.outbox !== false
          ? [
              {
                provide: OutboxRelay,
                inject: [DataSource, ConfirmPublisher, SERVICE_SCHEMA, AppConfig],
                useFactory: (
                  dataSource: DataSource,
                  publisher: ConfirmPublisher,
                  schema: string,
                  config: AppConfig,
                ) =>
                  new OutboxRelay(dataSource, publisher, schema, config.DATABASE_URL, {
                    inOrder: typeof options.outbox === 'object' && options.outbox.inOrder,
                  }),
              },
            ]
          : []),
        MessagingLifecycle,
      ],
      exports: [
        AmqpConnection,
        ConfirmPublisher,
        AmqpTransport,
        ...(options.outbox !== false ? [OutboxRelay] : []),
      ],
    };
  }
}
