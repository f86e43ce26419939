import { Inject, Injectable } from '@nestjs/common';

import { type ContactState, ConversationRepository } from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type WechatInboundEvent,
  WechatOtherEventV1,
} from '@wechat-desk/contracts';
import { assertNever } from '@wechat-desk/shared/util';

import { contactUpdatedData } from '../contact-updated';
import { payloadFields } from '../inbound-fields';

/** Follow state changes with these; other events only mark an interaction. */
function followingAfter(event: WechatInboundEvent): boolean | null {
  if (event.event === 'subscribe') {
    return true;
  }
  if (event.event === 'unsubscribe') {
    return false;
  }
  return null;
}

/**
 * WeChat's 2023 rule: a follow (with or without a QR scene), a menu click or a QR scan allows a
 * few replies within the next minute. Unsubscribe, LOCATION and send-job reports do not.
 */
export function isPrompt(event: WechatInboundEvent): boolean {
  if (event instanceof WechatOtherEventV1) {
    return false;
  }
  switch (event.event) {
    case 'subscribe':
    case 'SCAN':
    case 'CLICK':
    case 'VIEW':
    case 'scancode_push':
    case 'scancode_waitmsg':
    case 'pic_sysphoto':
    case 'pic_photo_or_album':
    case 'pic_weixin':
    case 'location_select':
      return true;
    case 'unsubscribe':
    case 'LOCATION':
    case 'kf_create_session':
    case 'kf_close_session':
    case 'kf_switch_session':
    case 'TEMPLATESENDJOBFINISH':
    case 'MASSSENDJOBFINISH':
      return false;
    default:
      return assertNever(event);
  }
}

/** The key that tells this event apart, as in its dedupe key: EventKey, or MsgID for send jobs. */
function eventKeyOf(event: WechatInboundEvent): string | null {
  if (event instanceof WechatOtherEventV1) {
    return event.eventKey ?? null;
  }
  switch (event.event) {
    case 'subscribe':
      return event.qrScene === undefined ? null : `qrscene_${event.qrScene}`;
    case 'SCAN':
      return event.sceneKey;
    case 'VIEW':
      return event.url;
    case 'CLICK':
    case 'scancode_push':
    case 'scancode_waitmsg':
    case 'pic_sysphoto':
    case 'pic_photo_or_album':
    case 'pic_weixin':
    case 'location_select':
      return event.eventKey;
    case 'TEMPLATESENDJOBFINISH':
    case 'MASSSENDJOBFINISH':
      return event.msgId;
    case 'unsubscribe':
    case 'LOCATION':
    case 'kf_create_session':
    case 'kf_close_session':
    case 'kf_switch_session':
      return null;
    default:
      return assertNever(event);
  }
}

/**
 * Records an event once (by its dedupe key), updates the contact and announces its new state;
 * never creates a message or a ticket. A redelivered event changes nothing and announces nothing.
 */
@Injectable()
export class RecordInboundEvent {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(event: WechatInboundEvent, cause: EventEnvelope): Promise<void> {
    const occurredAt = new Date(event.createTime * 1000);
    await this.repository.transaction(async (manager) => {
      const { contact, recorded } = await this.repository.recordInboundEvent(manager, {
        channelId: event.channelId,
        openId: event.openId,
        event: event.event,
        eventKey: eventKeyOf(event),
        dedupeKey: event.dedupeKey,
        occurredAt,
        fields: payloadFields(event),
        prompts: isPrompt(event),
      });
      if (!recorded) {
        return;
      }
      let state: ContactState = contact;
      const following = followingAfter(event);
      if (following !== null) {
        // Null when a newer follow change is already applied: the state read above stands.
        state =
          (await this.repository.applyFollowState(
            manager,
            contact.contactId,
            following,
            occurredAt,
          )) ?? contact;
      }
      await this.repository.enqueue(manager, [
        createEnvelope(RoutingKeys.conversationContactUpdated, contactUpdatedData(state), {
          correlationId: cause.correlationId,
          causationId: cause.id,
        }),
      ]);
    });
  }
}
