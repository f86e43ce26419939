import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import {
  ENCRYPTION_MODES,
  REPLY_POLICIES,
  type ChannelSecrets,
  type EncryptionMode,
  type ReplyPolicy,
} from '@wechat-desk/contracts';
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

/** AgentChannelView for the OpenAPI document (the same fields). */
@ApiSchema({
  name: 'AgentChannel',
  description: 'What an agent sees of a channel they work on (no WeChat configuration values)',
})
export class AgentChannelDoc implements AgentChannelView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Main' })
  name!: string;

  @ApiProperty({ example: 'gh_0123456789ab' })
  originalId!: string;

  @ApiProperty({ example: 'wx1234567890abcdef' })
  appId!: string;

  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ enum: ENCRYPTION_MODES })
  encryptionMode!: EncryptionMode;

  @ApiProperty({ enum: REPLY_POLICIES })
  replyPolicy!: ReplyPolicy;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '/api/v1/channels/{id}/icon',
    description: 'null when the channel has no icon',
  })
  iconUrl!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

/** ChannelView for the OpenAPI document (the same fields): never the AppSecret. */
@ApiSchema({ name: 'Channel', description: 'What admins see: the values to paste into WeChat' })
export class ChannelDoc extends AgentChannelDoc implements ChannelView {
  @ApiProperty({ example: 'http://localhost:8080/wechat/{id}' })
  callbackUrl!: string;

  @ApiProperty({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9]+$' })
  token!: string;

  @ApiProperty({ minLength: 43, maxLength: 43 })
  encodingAesKey!: string;
}

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
