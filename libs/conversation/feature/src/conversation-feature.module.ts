import { Module } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';
import { BlobStoreModule } from '@wechat-desk/shared/blob-store';
import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';
import { AppConfig } from '@wechat-desk/shared/config';
import { WechatApiClientModule } from '@wechat-desk/wechat/api-client';

import { ConversationController } from './conversation.controller';
import { ConversationMetrics } from './conversation-metrics';
import {
  DEFAULT_DOWNLOAD_SETTINGS,
  DOWNLOAD_MEDIA_SETTINGS,
  DownloadMedia,
  type DownloadMediaSettings,
} from './download-media/download-media';
import { RecordInboundEvent } from './record-inbound-event/record-inbound-event';
import { RecordInboundMessage } from './record-inbound-message/record-inbound-message';

/** Needs the app's PersistenceModule, MessagingModule, RedisModule (access tokens) and ObservabilityModule. */
@Module({
  imports: [
    ChannelDirectoryModule.register({ cached: false }),
    WechatApiClientModule,
    BlobStoreModule,
  ],
  controllers: [ConversationController],
  providers: [
    ConversationRepository,
    ConversationMetrics,
    RecordInboundMessage,
    RecordInboundEvent,
    DownloadMedia,
    {
      provide: DOWNLOAD_MEDIA_SETTINGS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): DownloadMediaSettings => ({
        ...DEFAULT_DOWNLOAD_SETTINGS,
        // The transport's last delivery is where a transient failure finally gives up.
        maxAttempts: config.RABBITMQ_MAX_ATTEMPTS,
      }),
    },
  ],
})
export class ConversationFeatureModule {}
