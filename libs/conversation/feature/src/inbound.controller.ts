import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import {
  RoutingKeys,
  WechatEventReceivedV1,
  WechatMessageReceivedV1,
} from '@wechat-desk/contracts';
import { AmqpContext } from '@wechat-desk/shared/messaging';

import { RecordInboundEvent } from './record-inbound-event/record-inbound-event';
import { RecordInboundMessage } from './record-inbound-message/record-inbound-message';

@Controller()
export class InboundController {
  constructor(
    @Inject(RecordInboundMessage) private readonly recordMessage: RecordInboundMessage,
    @Inject(RecordInboundEvent) private readonly recordEvent: RecordInboundEvent,
  ) {}

  @EventPattern(RoutingKeys.wechatMessageReceived)
  async handleMessageReceived(
    @Payload() message: WechatMessageReceivedV1,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.recordMessage.execute(message, context.envelope);
  }

  @EventPattern(RoutingKeys.wechatEventReceived)
  async handleEventReceived(@Payload() event: WechatEventReceivedV1): Promise<void> {
    await this.recordEvent.execute(event);
  }
}
