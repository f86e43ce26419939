import { Inject, Injectable } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type WechatMessageReceivedV1,
} from '@wechat-desk/contracts';

/**
 * Records a customer's message once per (channel, MsgId) and announces it, in one transaction:
 * a redelivery or a WeChat retry finds the row and changes nothing.
 */
@Injectable()
export class RecordInboundMessage {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(message: WechatMessageReceivedV1, cause: EventEnvelope): Promise<void> {
    const sentAt = new Date(message.createTime * 1000);
    await this.repository.transaction(async (manager) => {
      const contactId = await this.repository.upsertContact(
        manager,
        message.channelId,
        message.openId,
        sentAt,
      );
      const messageId = await this.repository.insertInboundMessage(manager, contactId, {
        channelId: message.channelId,
        openId: message.openId,
        type: message.msgType,
        text: message.content ?? null,
        wechatMsgId: message.msgId,
        sentAt,
        fields: message.fields,
      });
      if (messageId === null) {
        return;
      }
      await this.repository.enqueue(manager, [
        createEnvelope(
          RoutingKeys.conversationMessageRecorded,
          {
            messageId,
            channelId: message.channelId,
            contactId,
            openId: message.openId,
            direction: 'in',
            type: message.msgType,
            ...(message.content === undefined ? {} : { text: message.content }),
            sentAt: sentAt.toISOString(),
            wechatMsgId: message.msgId,
          },
          { correlationId: cause.correlationId, causationId: cause.id },
        ),
      ]);
    });
  }
}
