import { Inject, Injectable } from '@nestjs/common';

import { ConversationRepository } from '@wechat-desk/conversation/data-access';
import type { WechatEventReceivedV1 } from '@wechat-desk/contracts';

/** Follow state changes with these; other events only mark an interaction. */
function followingAfter(event: string): boolean | null {
  if (event === 'subscribe') {
    return true;
  }
  if (event === 'unsubscribe') {
    return false;
  }
  return null;
}

/** Records an event once (by its dedupe key) and updates the contact; never opens a ticket. */
@Injectable()
export class RecordInboundEvent {
  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
  ) {}

  async execute(event: WechatEventReceivedV1): Promise<void> {
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
        eventKey: event.eventKey ?? null,
        dedupeKey: event.dedupeKey,
        occurredAt,
        fields: event.fields,
      });
      const following = followingAfter(event.event);
      // A redelivered event was applied the first time.
      if (recorded && following !== null) {
        await this.repository.applyFollowState(manager, contactId, following, occurredAt);
      }
    });
  }
}
