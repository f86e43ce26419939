import { Module } from '@nestjs/common';

import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';

import { ChannelEventsController } from './channel-events/channel-events.controller';
import { IngressMetrics } from './ingress-metrics';
import { ReceivePush } from './receive-push/receive-push';
import { VerifyCallbackUrl } from './verify-callback-url/verify-callback-url';
import { WechatCallbackController } from './wechat-callback.controller';

@Module({
  imports: [ChannelDirectoryModule.register({ cached: true })],
  controllers: [WechatCallbackController, ChannelEventsController],
  providers: [ReceivePush, VerifyCallbackUrl, IngressMetrics],
})
export class IngressFeatureModule {}
