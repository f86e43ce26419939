import { Module } from '@nestjs/common';

import { OutboundFeatureModule, outboundMigrations } from '@wechat-desk/outbound/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('outbound'),
    PersistenceModule.forService({
      schema: 'outbound',
      entities: [],
      migrations: outboundMigrations,
      applicationName: 'outbound',
    }),
    RedisModule,
    MessagingModule.forService({ service: 'outbound', outbox: true }),
    OutboundFeatureModule,
  ],
})
export class AppModule {}
