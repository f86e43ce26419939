import type { ChannelSecrets, EncryptionMode, ReplyPolicy } from '@wechat-desk/contracts';
import type { ChannelRecord } from '@wechat-desk/desk/data-access';

/** What admins see of a channel: the values to paste into WeChat, never the AppSecret. */
export interface ChannelView {
  id: string;
  name: string;
  originalId: string;
  appId: string;
  departmentId: string;
  enabled: boolean;
  encryptionMode: EncryptionMode;
  replyPolicy: ReplyPolicy;
  callbackUrl: string;
  token: string;
  encodingAesKey: string;
  iconUrl: string | null;
  createdAt: string;
}

/** What agents see of a channel they work on: no WeChat configuration values. */
export type AgentChannelView = Omit<ChannelView, 'callbackUrl' | 'token' | 'encodingAesKey'>;

export function presentChannelToAgent(channel: ChannelRecord): AgentChannelView {
  return {
    id: channel.id,
    name: channel.name,
    originalId: channel.originalId,
    appId: channel.appId,
    departmentId: channel.departmentId,
    enabled: channel.enabled,
    encryptionMode: channel.encryptionMode,
    replyPolicy: channel.replyPolicy,
    iconUrl: iconUrl(channel),
    createdAt: channel.createdAt.toISOString(),
  };
}

const iconUrl = (channel: ChannelRecord): string | null =>
  channel.iconMime === null ? null : `/api/v1/channels/${channel.id}/icon`;

export function callbackUrl(publicBaseUrl: string, channelId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/wechat/${channelId}`;
}

export function presentChannel(
  channel: ChannelRecord,
  secrets: Pick<ChannelSecrets, 'token' | 'encodingAesKey'>,
  publicBaseUrl: string,
): ChannelView {
  return {
    ...presentChannelToAgent(channel),
    callbackUrl: callbackUrl(publicBaseUrl, channel.id),
    token: secrets.token,
    encodingAesKey: secrets.encodingAesKey,
  };
}
