import { Module } from '@nestjs/common';

import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';

import { ChannelEventsController } from './channel-events/channel-events.controller';
import { PushSpoolRepository } from './data-access/push-spool.repository';
import { DurableAcceptance } from './durable-acceptance/durable-acceptance';
import { IngressMetrics } from './ingress-metrics';
import { ReceivePush } from './receive-push/receive-push';
import { ReplayGuard } from './replay-guard/replay-guard';
import { VerifyCallbackUrl } from './verify-callback-url/verify-callback-url';
import { WechatCallbackController } from './wechat-callback.controller';

@Module({
  imports: [ChannelDirectoryModule.register({ cached: true })],
  controllers: [WechatCallbackController, ChannelEventsController],
  providers: [
    ReceivePush,
    VerifyCallbackUrl,
    IngressMetrics,
    PushSpoolRepository,
    DurableAcceptance,
    ReplayGuard,
  ],
})
export class IngressFeatureModule {}
