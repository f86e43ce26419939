import { Module } from '@nestjs/common';

import {
  ConversationFeatureModule,
  conversationMigrations,
} from '@wechat-desk/conversation/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';

@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('conversation'),
    PersistenceModule.forService({
      schema: 'conversation',
      entities: [],
      migrations: conversationMigrations,
      applicationName: 'conversation',
    }),
    MessagingModule.forService({ service: 'conversation', outbox: true }),
    ConversationFeatureModule,
  ],
})
export class AppModule {}
