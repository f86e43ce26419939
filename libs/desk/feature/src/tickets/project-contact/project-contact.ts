import { Inject, Injectable } from '@nestjs/common';

import type { ConversationContactUpdatedV1 } from '@wechat-desk/contracts';
import { ContactViewRepository } from '@wechat-desk/desk/data-access';

const dateOrNull = (value: string | undefined): Date | null =>
  value === undefined ? null : new Date(value);

/**
 * A contact's state (following, latest messages and prompts) for the reply window. Each copy is
 * a maximum, so applying them in any order, or twice, ends the same.
 */
@Injectable()
export class ProjectContact {
  constructor(@Inject(ContactViewRepository) private readonly contacts: ContactViewRepository) {}

  async execute(event: ConversationContactUpdatedV1): Promise<void> {
    await this.contacts.apply({
      contactId: event.contactId,
      channelId: event.channelId,
      openId: event.openId,
      following: event.following ?? null,
      followingChangedAt: dateOrNull(event.followingChangedAt),
      lastCustomerMessageAt: dateOrNull(event.lastCustomerMessageAt),
      lastPromptAt: dateOrNull(event.lastPromptAt),
      lastInteractionAt: new Date(event.lastInteractionAt),
    });
  }
}
