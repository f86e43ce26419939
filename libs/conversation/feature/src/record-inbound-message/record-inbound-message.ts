import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { ConversationRepository, type NewAttachment } from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  type MediaMessageType,
  RoutingKeys,
  type EventEnvelope,
  type WechatInboundMessage,
  WechatImageMessageV1,
  WechatShortVideoMessageV1,
  WechatTextMessageV1,
  WechatVideoMessageV1,
  WechatVoiceMessageV1,
} from '@wechat-desk/contracts';

import { payloadFields } from '../inbound-fields';

/** What the desk shows as the message's text: only text messages have one. */
function textOf(message: WechatInboundMessage): string | null {
  return message instanceof WechatTextMessageV1 ? message.content : null;
}

/**
 * The media to fetch from WeChat before it deletes them (3 days): the MediaId of images, voices
 * and videos, and a video's thumbnail. A voice's optional MediaId16K copy is not fetched.
 */
export function mediaOf(
  message: WechatInboundMessage,
): { messageType: MediaMessageType; items: Array<Omit<NewAttachment, 'id'>> } | null {
  if (message instanceof WechatImageMessageV1 || message instanceof WechatVoiceMessageV1) {
    return { messageType: message.msgType, items: [{ role: 'media', mediaId: message.mediaId }] };
  }
  if (message instanceof WechatVideoMessageV1 || message instanceof WechatShortVideoMessageV1) {
    return {
      messageType: message.msgType,
      items: [
        { role: 'media', mediaId: message.mediaId },
        { role: 'thumbnail', mediaId: message.thumbMediaId },
      ],
    };
  }
  return null;
}

/**
 * Records a customer's message once per (channel, MsgId) and announces it, in one transaction:
 * the message and one download request per media item. The contact's times move forward in the
 * same statement; conversation.contact.updated.v1 is not sent for messages, because
 * conversation.message.recorded.v1 already tells when the customer last wrote (a second message
 * per push cost the whole pipeline a broker message and a projection). A redelivery or a WeChat
 * retry finds the row and announces nothing.
 */
@Injectable()
export class RecordInboundMessage {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(message: WechatInboundMessage, cause: EventEnvelope): Promise<void> {
    const sentAt = new Date(message.createTime * 1000);
    const text = textOf(message);
    const media = mediaOf(message);
    const attachments: NewAttachment[] = (media?.items ?? []).map((item) => ({
      id: randomUUID(),
      ...item,
    }));
    const context = { correlationId: cause.correlationId, causationId: cause.id };
    await this.repository.transaction(async (manager) => {
      const { contact, messageId } = await this.repository.recordInboundMessage(
        manager,
        {
          channelId: message.channelId,
          openId: message.openId,
          type: message.msgType,
          text,
          wechatMsgId: message.msgId,
          sentAt,
          fields: payloadFields(message),
        },
        attachments,
      );
      if (messageId === null) {
        return;
      }
      await this.repository.enqueue(manager, [
        createEnvelope(
          RoutingKeys.conversationMessageRecorded,
          {
            messageId,
            channelId: message.channelId,
            contactId: contact.contactId,
            openId: message.openId,
            direction: 'in',
            type: message.msgType,
            ...(text === null ? {} : { text }),
            sentAt: sentAt.toISOString(),
            wechatMsgId: message.msgId,
          },
          context,
        ),
        ...(media === null
          ? []
          : attachments.map((attachment) =>
              createEnvelope(
                RoutingKeys.conversationMediaRequested,
                {
                  attachmentId: attachment.id,
                  messageId,
                  channelId: message.channelId,
                  messageType: media.messageType,
                  role: attachment.role,
                  mediaId: attachment.mediaId,
                },
                context,
              ),
            )),
      ]);
    });
  }
}
