import { Module } from '@nestjs/common';

import { DeskFeatureModule, deskEntities, deskMigrations } from '@wechat-desk/desk/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('desk-api'),
    PersistenceModule.forService({
      schema: 'desk',
      entities: deskEntities,
      migrations: deskMigrations,
      applicationName: 'desk-api',
    }),
    MessagingModule.forService({ service: 'desk-api', outbox: true }),
    DeskFeatureModule,
  ],
})
export class AppModule {}
