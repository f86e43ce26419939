import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import {
  ChannelUpdatedV1,
  ConversationMessageRecordedV1,
  RoutingKeys,
  TicketSettingsUpdatedV1,
  TicketStatusChangeRequestedV1,
} from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { AmqpContext } from '@wechat-desk/shared/messaging';
import { TimerSettingsRepository } from '@wechat-desk/ticketing/data-access';

import { AttachInboundMessage } from './attach-inbound-message/attach-inbound-message';
import { ChangeTicketStatus } from './change-ticket-status/change-ticket-status';

@Controller()
export class TicketingController {
  constructor(
    @Inject(AttachInboundMessage) private readonly attachInboundMessage: AttachInboundMessage,
    @Inject(ChangeTicketStatus) private readonly changeTicketStatus: ChangeTicketStatus,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(TimerSettingsRepository) private readonly timers: TimerSettingsRepository,
  ) {}

  @EventPattern(RoutingKeys.conversationMessageRecorded)
  async handleMessageRecorded(
    @Payload() message: ConversationMessageRecordedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    // Only what customers write becomes tickets; replies are threaded by their own events.
    if (message.direction === 'in') {
      await this.attachInboundMessage.execute(message, context.envelope);
    }
  }

  @EventPattern(RoutingKeys.ticketStatusChangeRequested)
  async handleStatusChangeRequested(
    @Payload() request: TicketStatusChangeRequestedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.changeTicketStatus.execute(request, context.envelope);
  }

  @EventPattern(RoutingKeys.ticketSettingsUpdated)
  async handleTicketSettingsUpdated(@Payload() settings: TicketSettingsUpdatedV1): Promise<void> {
    await this.timers.apply(settings);
  }

  @EventPattern(RoutingKeys.channelUpdated)
  async handleChannelUpdated(@Payload() event: ChannelUpdatedV1): Promise<void> {
    await this.channels.apply(event);
  }
}
