import type { ChannelRecord } from '@wechat-desk/desk/data-access';

import type { AuditFields } from '../audit/audit-diff';

/** What the audit log keeps of a channel: never its sealed secrets. */
export function channelAuditFields(channel: ChannelRecord): AuditFields {
  return {
    name: channel.name,
    departmentId: channel.departmentId,
    enabled: channel.enabled,
    encryptionMode: channel.encryptionMode,
    replyPolicy: channel.replyPolicy,
    appId: channel.appId,
    originalId: channel.originalId,
    iconMimeType: channel.iconMime,
    version: channel.version,
  };
}
