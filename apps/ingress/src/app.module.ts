import { Module } from '@nestjs/common';

import { IngressFeatureModule, ingressMigrations } from '@wechat-desk/ingress/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('ingress'),
    PersistenceModule.forService({
      schema: 'ingress',
      entities: [],
      migrations: ingressMigrations,
      applicationName: 'ingress',
    }),
    // The ingress outbox is its fallback spool: relayed strictly in order of arrival.
    MessagingModule.forService({ service: 'ingress', outbox: { inOrder: true } }),
    RedisModule,
    IngressFeatureModule,
  ],
})
export class AppModule {}
