import type { SecretBox } from '@wechat-desk/shared/util';

import type { ChannelSecrets } from './events/channel-updated.v1';

/** Bound to the channel id, so one channel's sealed secrets cannot be replayed as another's. */
const associatedData = (channelId: string): string => `channel:${channelId}`;

export function sealChannelSecrets(
  box: SecretBox,
  channelId: string,
  secrets: ChannelSecrets,
): string {
  return box.seal(JSON.stringify(secrets), associatedData(channelId));
}

export function openChannelSecrets(
  box: SecretBox,
  channelId: string,
  sealed: string,
): ChannelSecrets {
  return JSON.parse(box.open(sealed, associatedData(channelId))) as ChannelSecrets;
}
