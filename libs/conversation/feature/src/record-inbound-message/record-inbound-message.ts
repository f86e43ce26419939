import { Inject, Injectable } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type WechatInboundMessage,
  WechatTextMessageV1,
} from '@wechat-desk/contracts';

import { payloadFields } from '../inbound-fields';

/** What the desk shows as the message's text: only text messages have one. */
function textOf(message: WechatInboundMessage): string | null {
  return message instanceof WechatTextMessageV1 ? message.content : null;
}

/**
 * Records a customer's message once per (channel, MsgId) and announces it, in one transaction:
 * a redelivery or a WeChat retry finds the row and changes nothing.
 */
@Injectable()
export class RecordInboundMessage {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(message: WechatInboundMessage, cause: EventEnvelope): Promise<void> {
    const sentAt = new Date(message.createTime * 1000);
    const text = textOf(message);
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
        text,
        wechatMsgId: message.msgId,
        sentAt,
        fields: payloadFields(message),
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
            ...(text === null ? {} : { text }),
            sentAt: sentAt.toISOString(),
            wechatMsgId: message.msgId,
          },
          { correlationId: cause.correlationId, causationId: cause.id },
        ),
      ]);
    });
  }
}
