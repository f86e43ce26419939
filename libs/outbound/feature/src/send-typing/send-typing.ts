import { Inject, Injectable, Logger } from '@nestjs/common';

import type { OutboundTypingRequestedV1 } from '@wechat-desk/contracts';
import { ReplySendRepository } from '@wechat-desk/outbound/data-access';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { AppConfig } from '@wechat-desk/shared/config';
import { laterOf, NO_SENDS_YET } from '@wechat-desk/shared/reply-policy';
import { WechatApiClient } from '@wechat-desk/wechat/api-client';

import { typingVerdict } from './typing-allowed';

const dateOrNull = (value: string | undefined): Date | null =>
  value === undefined ? null : new Date(value);

/**
 * Shows WeChat's typing indicator for an agent, within WeChat's limits. Best effort: a typing
 * indicator that fails or comes late has no value, so nothing is retried.
 */
@Injectable()
export class SendTyping {
  private readonly logger = new Logger(SendTyping.name);

  constructor(
    @Inject(ReplySendRepository) private readonly ledger: ReplySendRepository,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(WechatApiClient) private readonly wechat: WechatApiClient,
    @Inject(AppConfig) private readonly config: Pick<AppConfig, 'REPLY_QUOTA_TIME_ZONE'>,
  ) {}

  async execute(request: OutboundTypingRequestedV1): Promise<boolean> {
    const channel = await this.channels.find(request.channelId);
    if (channel === null || !channel.enabled) {
      return false;
    }
    const known = await this.ledger.findCustomer(request.channelId, request.openId);
    const verdict = typingVerdict({
      policy: channel.replyPolicy,
      timeZone: this.config.REPLY_QUOTA_TIME_ZONE,
      now: new Date(),
      requestedAt: new Date(request.requestedAt),
      lastInteractionAt: dateOrNull(request.lastInteractionAt),
      customer: {
        following: null,
        lastCustomerMessageAt: laterOf(
          dateOrNull(request.lastCustomerMessageAt),
          known?.customerWindowOpenedAt ?? null,
        ),
        lastPromptAt: laterOf(
          dateOrNull(request.lastPromptAt),
          known?.promptWindowOpenedAt ?? null,
        ),
      },
      counters: known ?? NO_SENDS_YET,
    });
    if (verdict !== 'send') {
      this.logger.debug(`Typing for ${request.ticketId} not shown: ${verdict}`);
      return false;
    }
    try {
      await this.wechat.sendTyping(
        { appId: channel.appId, appSecret: channel.secrets.appSecret },
        request.openId,
        request.command,
      );
      return true;
    } catch (error) {
      this.logger.warn(
        `Typing for ${request.ticketId} not shown: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }
}
