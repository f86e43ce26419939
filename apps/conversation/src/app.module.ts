import { Module } from '@nestjs/common';

import {
  ConversationFeatureModule,
  conversationMigrations,
} from '@wechat-desk/conversation/feature';
import { ConfigModule } from '@wechat-desk/shared/config';
import { MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';

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
    // The WeChat access token for media downloads is shared with outbound through Redis.
    RedisModule,
    MessagingModule.forService({ service: 'conversation', outbox: true }),
    ConversationFeatureModule,
  ],
})
export class AppModule {}
