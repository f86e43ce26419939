import { Module } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';

import { InboundController } from './inbound.controller';
import { RecordInboundEvent } from './record-inbound-event/record-inbound-event';
import { RecordInboundMessage } from './record-inbound-message/record-inbound-message';

@Module({
  controllers: [InboundController],
  providers: [ConversationRepository, RecordInboundMessage, RecordInboundEvent],
})
export class ConversationFeatureModule {}
