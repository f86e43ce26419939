import { Inject, Injectable } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';
import { type WechatInboundEvent, WechatOtherEventV1 } from '@wechat-desk/contracts';
import { assertNever } from '@wechat-desk/shared/util';

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

/** Records an event once (by its dedupe key) and updates the contact; never opens a ticket. */
@Injectable()
export class RecordInboundEvent {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(event: WechatInboundEvent): Promise<void> {
    const occurredAt = new Date(event.createTime * 1000);
    await this.repository.transaction(async (manager) => {
      const contactId = await this.repository.upsertContact(
        manager,
        event.channelId,
        event.openId,
        occurredAt,
      );
      const recorded = await this.repository.insertInboundEvent(manager, contactId, {
        channelId: event.channelId,
        openId: event.openId,
        event: event.event,
        eventKey: eventKeyOf(event),
        dedupeKey: event.dedupeKey,
        occurredAt,
        fields: payloadFields(event),
      });
      const following = followingAfter(event);
      // A redelivered event was applied the first time.
      if (recorded && following !== null) {
        await this.repository.applyFollowState(manager, contactId, following, occurredAt);
      }
    });
  }
}
