import {
  createEnvelope,
  RoutingKeys,
  validateEventData,
  type ChannelUpdatedV1,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import type { ChannelRecord } from '@wechat-desk/desk/data-access';

/**
 * The channel's whole current state for channel.updated.v1; every change of a channel (create,
 * edit, enable, disable, key rotation) publishes one with the new version.
 */
export type ChannelState = Pick<
  ChannelRecord,
  | 'id'
  | 'version'
  | 'name'
  | 'departmentId'
  | 'enabled'
  | 'encryptionMode'
  | 'replyPolicy'
  | 'appId'
  | 'originalId'
  | 'sealedSecrets'
>;

export function channelUpdatedEvent(channel: ChannelState): EventEnvelope<ChannelUpdatedV1> {
  // Validated here too, so a contract break fails the request instead of poisoning the outbox.
  const payload = validateEventData(RoutingKeys.channelUpdated, {
    channelId: channel.id,
    version: channel.version,
    name: channel.name,
    departmentId: channel.departmentId,
    enabled: channel.enabled,
    encryptionMode: channel.encryptionMode,
    replyPolicy: channel.replyPolicy,
    appId: channel.appId,
    originalId: channel.originalId,
    sealedSecrets: channel.sealedSecrets,
  });
  return createEnvelope(RoutingKeys.channelUpdated, { ...payload });
}
