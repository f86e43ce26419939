import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import {
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  type WechatInboundEvent,
  type WechatInboundMessage,
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

  /** Every message type is recorded alike; the transport validated it against its own class. */
  @EventPattern([...INBOUND_MESSAGE_ROUTING_KEYS])
  async handleMessageReceived(
    @Payload() message: WechatInboundMessage,
    @Ctx() context: AmqpContext,
  ): Promise<void> {
    await this.recordMessage.execute(message, context.envelope);
  }

  @EventPattern([...INBOUND_EVENT_ROUTING_KEYS])
  async handleEventReceived(@Payload() event: WechatInboundEvent): Promise<void> {
    await this.recordEvent.execute(event);
  }
}
