import { Module } from '@nestjs/common';

import { ReplySendRepository } from '@wechat-desk/outbound/data-access';
import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';
import { WechatApiClientModule } from '@wechat-desk/wechat/api-client';

import { OutboundController } from './outbound.controller';
import { SendReply } from './send-reply/send-reply';

@Module({
  imports: [ChannelDirectoryModule.register({ cached: false }), WechatApiClientModule],
  controllers: [OutboundController],
  providers: [ReplySendRepository, SendReply],
})
export class OutboundFeatureModule {}
