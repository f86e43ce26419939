import { Module } from '@nestjs/common';

import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';
import { TicketRepository, TimerSettingsRepository } from '@wechat-desk/ticketing/data-access';

import { AttachInboundMessage } from './attach-inbound-message/attach-inbound-message';
import { TicketingController } from './ticketing.controller';

@Module({
  imports: [ChannelDirectoryModule.register({ cached: false })],
  controllers: [TicketingController],
  providers: [TicketRepository, TimerSettingsRepository, AttachInboundMessage],
})
export class TicketingFeatureModule {}
