import type { ContactState } from '@wechat-desk/conversation/data-access';
import type { ConversationContactUpdatedV1 } from '@wechat-desk/contracts';

/** The whole contact state, as conversation.contact.updated.v1 carries it (absent when unknown). */
export function contactUpdatedData(contact: ContactState): ConversationContactUpdatedV1 {
  const iso = (at: Date | null): string | undefined => at?.toISOString();
  const data: ConversationContactUpdatedV1 = {
    contactId: contact.contactId,
    channelId: contact.channelId,
    openId: contact.openId,
    lastInteractionAt: contact.lastInteractionAt.toISOString(),
  };
  if (contact.following !== null) {
    data.following = contact.following;
  }
  const followingChangedAt = iso(contact.followingChangedAt);
  if (followingChangedAt !== undefined) {
    data.followingChangedAt = followingChangedAt;
  }
  const lastCustomerMessageAt = iso(contact.lastCustomerMessageAt);
  if (lastCustomerMessageAt !== undefined) {
    data.lastCustomerMessageAt = lastCustomerMessageAt;
  }
  const lastPromptAt = iso(contact.lastPromptAt);
  if (lastPromptAt !== undefined) {
    data.lastPromptAt = lastPromptAt;
  }
  return data;
}
