import { Module } from '@nestjs/common';

import { TicketingFeatureModule, ticketingMigrations } from '@wechat-desk/ticketing/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('ticketing'),
    PersistenceModule.forService({
      schema: 'ticketing',
      entities: [],
      migrations: ticketingMigrations,
      applicationName: 'ticketing',
    }),
    MessagingModule.forService({ service: 'ticketing', outbox: true }),
    TicketingFeatureModule,
  ],
})
export class AppModule {}
