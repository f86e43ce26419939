import { Inject, Injectable } from '@nestjs/common';

import { openChannelSecrets } from '@wechat-desk/contracts';
import {
  AssociationRepository,
  ChannelRepository,
  type ChannelRecord,
} from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';
import { SecretBox } from '@wechat-desk/shared/util';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskErrors } from '../../common/desk-error';
import {
  presentChannel,
  presentChannelToAgent,
  type AgentChannelView,
  type ChannelView,
} from '../channel.view';

/**
 * One channel or all of them. Admins see every channel with the values to paste into WeChat;
 * an agent sees only the channels associated with them, without those values, and anything else
 * as if it did not exist.
 */
@Injectable()
export class GetChannels {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(AssociationRepository) private readonly associations: AssociationRepository,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async one(caller: AuthenticatedAgent, id: string): Promise<ChannelView | AgentChannelView> {
    await this.requireVisible(caller, id);
    const channel = await this.channels.findById(id);
    if (channel === null) {
      throw DeskErrors.notFound('Channel', id);
    }
    return this.present(caller, channel);
  }

  async all(caller: AuthenticatedAgent): Promise<{ items: Array<ChannelView | AgentChannelView> }> {
    const channels = await this.channels.list();
    const visible =
      caller.role === 'admin'
        ? null
        : new Set(await this.associations.visibleChannelIds(caller.id));
    return {
      items: channels
        .filter((channel) => visible === null || visible.has(channel.id))
        .map((channel) => this.present(caller, channel)),
    };
  }

  /** 404 for a channel outside an agent's associations, exactly as for a missing one. */
  async requireVisible(caller: AuthenticatedAgent, id: string): Promise<void> {
    if (caller.role === 'admin') {
      return;
    }
    if (!(await this.associations.visibleChannelIds(caller.id)).includes(id)) {
      throw DeskErrors.notFound('Channel', id);
    }
  }

  private present(
    caller: AuthenticatedAgent,
    channel: ChannelRecord,
  ): ChannelView | AgentChannelView {
    if (caller.role !== 'admin') {
      return presentChannelToAgent(channel);
    }
    const secrets = openChannelSecrets(this.secretBox, channel.id, channel.sealedSecrets);
    return presentChannel(channel, secrets, this.config.PUBLIC_BASE_URL);
  }
}
