import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import {
  ChannelUpdatedV1,
  ConversationMediaRequestedV1,
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  RoutingKeys,
  type WechatInboundEvent,
  type WechatInboundMessage,
} from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { AmqpContext } from '@wechat-desk/shared/messaging';

import { DownloadMedia } from './download-media/download-media';
import { RecordInboundEvent } from './record-inbound-event/record-inbound-event';
import { RecordInboundMessage } from './record-inbound-message/record-inbound-message';

@Controller()
export class ConversationController {
  constructor(
    @Inject(RecordInboundMessage) private readonly recordMessage: RecordInboundMessage,
    @Inject(RecordInboundEvent) private readonly recordEvent: RecordInboundEvent,
    @Inject(DownloadMedia) private readonly downloadMedia: DownloadMedia,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
  ) {}

  /** Every message type is recorded alike; the transport validated it against its own class. */
  @EventPattern([...INBOUND_MESSAGE_ROUTING_KEYS])
  async handleMessageReceived(
    @Payload() message: WechatInboundMessage,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.recordMessage.execute(message, context.envelope);
  }

  @EventPattern([...INBOUND_EVENT_ROUTING_KEYS])
  async handleEventReceived(
    @Payload() event: WechatInboundEvent,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.recordEvent.execute(event, context.envelope);
  }

  @EventPattern(RoutingKeys.conversationMediaRequested)
  async handleMediaRequested(
    @Payload() request: ConversationMediaRequestedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.downloadMedia.execute(request, {
      attempt: context.attempt,
      cause: context.envelope,
    });
  }

  /** The AppID and AppSecret a download needs, kept in conversation's own projection. */
  @EventPattern(RoutingKeys.channelUpdated)
  async handleChannelUpdated(@Payload() event: ChannelUpdatedV1): Promise<void> {
    await this.channels.apply(event);
  }
}
