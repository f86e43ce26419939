import { Module } from '@nestjs/common';

import { IngressFeatureModule, ingressMigrations } from '@wechat-desk/ingress/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';

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
    MessagingModule.forService({ service: 'ingress', outbox: false }),
    IngressFeatureModule,
  ],
})
export class AppModule {}
