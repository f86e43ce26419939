import { Module } from '@nestjs/common';

import { ChannelTagRepository, ReplySendRepository } from '@wechat-desk/outbound/data-access';
import { BlobStoreModule } from '@wechat-desk/shared/blob-store';
import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';
import { WechatApiClientModule } from '@wechat-desk/wechat/api-client';

import {
  DEFAULT_MONTHLY_SEND_OPTIONS,
  MONTHLY_SEND_OPTIONS,
  MonthlySend,
} from './send-reply/monthly-send';
import { OutboundController } from './outbound.controller';
import { SendReply } from './send-reply/send-reply';
import { SendTyping } from './send-typing/send-typing';

@Module({
  imports: [
    ChannelDirectoryModule.register({ cached: false }),
    WechatApiClientModule,
    BlobStoreModule,
  ],
  controllers: [OutboundController],
  providers: [
    ReplySendRepository,
    ChannelTagRepository,
    { provide: MONTHLY_SEND_OPTIONS, useValue: DEFAULT_MONTHLY_SEND_OPTIONS },
    MonthlySend,
    SendReply,
    SendTyping,
  ],
})
export class OutboundFeatureModule {}
