import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import {
  ChannelUpdatedV1,
  OutboundReplyRequestedV1,
  OutboundTypingRequestedV1,
  RoutingKeys,
} from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { AmqpContext } from '@wechat-desk/shared/messaging';

import { SendReply } from './send-reply/send-reply';
import { SendTyping } from './send-typing/send-typing';

@Controller()
export class OutboundController {
  constructor(
    @Inject(SendReply) private readonly sendReply: SendReply,
    @Inject(SendTyping) private readonly sendTyping: SendTyping,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
  ) {}

  @EventPattern(RoutingKeys.outboundReplyRequested)
  async handleReplyRequested(
    @Payload() reply: OutboundReplyRequestedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.sendReply.execute(reply, context.envelope);
  }

  @EventPattern(RoutingKeys.outboundTypingRequested)
  async handleTypingRequested(@Payload() request: OutboundTypingRequestedV1): Promise<void> {
    await this.sendTyping.execute(request);
  }

  @EventPattern(RoutingKeys.channelUpdated)
  async handleChannelUpdated(@Payload() event: ChannelUpdatedV1): Promise<void> {
    await this.channels.apply(event);
  }
}
