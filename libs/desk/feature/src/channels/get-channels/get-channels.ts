import { Inject, Injectable } from '@nestjs/common';

import { openChannelSecrets } from '@wechat-desk/contracts';
import { ChannelRepository, type ChannelRecord } from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';
import { SecretBox } from '@wechat-desk/shared/util';

import { DeskErrors } from '../../common/desk-error';
import { presentChannel, type ChannelView } from '../channel.view';

/** One channel or all of them, with the callback credentials opened for display. */
@Injectable()
export class GetChannels {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async one(id: string): Promise<ChannelView> {
    const channel = await this.channels.findById(id);
    if (channel === null) {
      throw DeskErrors.notFound('Channel', id);
    }
    return this.present(channel);
  }

  async all(): Promise<{ items: ChannelView[] }> {
    const channels = await this.channels.list();
    return { items: channels.map((channel) => this.present(channel)) };
  }

  private present(channel: ChannelRecord): ChannelView {
    const secrets = openChannelSecrets(this.secretBox, channel.id, channel.sealedSecrets);
    return presentChannel(channel, secrets, this.config.PUBLIC_BASE_URL);
  }
}
