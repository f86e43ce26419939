import { Module } from '@nestjs/common';

import { ChannelDirectoryModule } from '@wechat-desk/shared/channel-directory';
import { TicketRepository, TimerSettingsRepository } from '@wechat-desk/ticketing/data-access';

import { AttachInboundMessage } from './attach-inbound-message/attach-inbound-message';
import { ChangeTicketStatus } from './change-ticket-status/change-ticket-status';
import { TicketingController } from './ticketing.controller';

@Module({
  // Cached: the channel's department is read for every message, and channels rarely change.
  imports: [ChannelDirectoryModule.register({ cached: true })],
  controllers: [TicketingController],
  providers: [TicketRepository, TimerSettingsRepository, AttachInboundMessage, ChangeTicketStatus],
})
export class TicketingFeatureModule {}
