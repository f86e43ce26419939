import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';

import { ChannelTagRepository } from '@wechat-desk/outbound/data-access';
import { sleep } from '@wechat-desk/shared/util';
import {
  WechatApiClient,
  WechatApiError,
  type WechatCredentials,
} from '@wechat-desk/wechat/api-client';

import type { WechatContent } from './reply-content';

/** Another send of the account holds the tag: try again later (nothing was sent). */
export class MonthlyLaneBusyError extends Error {
  override name = 'MonthlyLaneBusyError';
}

/** WeChat accepted the mass job but reports it failed. */
export class MassSendFailedError extends Error {
  override name = 'MassSendFailedError';
}

export interface MonthlySendOptions {
  /** How long a worker holds the account's lane at most (then another may take it). */
  laneTtlMs: number;
  /** How long to wait for the lane before giving the message back for a later try. */
  laneWaitMs: number;
  /** How long to wait for WeChat's mass job to finish before clearing the tag anyway. */
  jobWaitMs: number;
  pollMs: number;
}

export const DEFAULT_MONTHLY_SEND_OPTIONS: MonthlySendOptions = {
  laneTtlMs: 120_000,
  laneWaitMs: 20_000,
  jobWaitMs: 30_000,
  pollMs: 200,
};

export const MONTHLY_SEND_OPTIONS = Symbol('MONTHLY_SEND_OPTIONS');

const TAG_NAME = 'wechat-desk direct';
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A service account reaches one customer outside the window with a mass message to a tag that
 * holds only that customer (protocol.md §7.2). Two such sends of one account must never share the
 * tag, so they run one at a time per account: a Redis lane (a gate, not the quota's authority,
 * which is the customer's row in PostgreSQL). The tag is cleared once WeChat's job finished.
 */
@Injectable()
export class MonthlySend {
  private readonly logger = new Logger(MonthlySend.name);

  constructor(
    @Inject(WechatApiClient) private readonly wechat: WechatApiClient,
    @Inject(Redis) private readonly redis: Redis,
    @Inject(ChannelTagRepository) private readonly tags: ChannelTagRepository,
    @Inject(MONTHLY_SEND_OPTIONS) private readonly options: MonthlySendOptions,
  ) {}

  /**
   * `markSending` runs once the lane is held, right before the mass send; when it answers false
   * (another attempt owns the reply) nothing is sent.
   */
  async send(
    channel: { id: string; credentials: WechatCredentials },
    openId: string,
    content: WechatContent,
    markSending: () => Promise<boolean>,
  ): Promise<{ massMsgId: string } | null> {
    const laneKey = `outbound:monthly-lane:${channel.credentials.appId}`;
    const holder = randomUUID();
    await this.acquire(laneKey, holder);
    try {
      const tagId = await this.tagOf(channel);
      await this.clearTag(channel.credentials, tagId);
      if (!(await markSending())) {
        return null;
      }
      await this.wechat.tagUsers(channel.credentials, tagId, [openId]);
      let massMsgId: string;
      try {
        ({ msgId: massMsgId } = await this.wechat.massSendToTag(
          channel.credentials,
          tagId,
          content,
        ));
      } catch (error) {
        // A refused or unanswered send must not leave the customer in the tag either.
        await this.untagQuietly(channel.credentials, tagId, [openId], 'after a failed send');
        throw error;
      }
      // WeChat runs mass jobs asynchronously: untagging earlier could cancel the delivery.
      const status = await this.waitForJob(channel.credentials, massMsgId);
      await this.untagQuietly(channel.credentials, tagId, [openId], 'after the job');
      if (status === 'SEND_FAIL') {
        throw new MassSendFailedError(`WeChat's mass job ${massMsgId} failed`);
      }
      return { massMsgId };
    } finally {
      await this.redis.eval(RELEASE, 1, laneKey, holder);
    }
  }

  private async acquire(laneKey: string, holder: string): Promise<void> {
    const deadline = Date.now() + this.options.laneWaitMs;
    for (;;) {
      const taken = await this.redis.set(laneKey, holder, 'PX', this.options.laneTtlMs, 'NX');
      if (taken === 'OK') {
        return;
      }
      if (Date.now() >= deadline) {
        throw new MonthlyLaneBusyError(`The monthly lane of ${laneKey} stayed busy`);
      }
      await sleep(this.options.pollMs / 2 + Math.random() * this.options.pollMs);
    }
  }

  private async tagOf(channel: { id: string; credentials: WechatCredentials }): Promise<number> {
    const known = await this.tags.find(channel.id, channel.credentials.appId);
    if (known !== null) {
      return known;
    }
    const tagId = await this.wechat.createTag(channel.credentials, TAG_NAME);
    return this.tags.remember(channel.id, channel.credentials.appId, tagId);
  }

  /** Members left by an attempt that died mid-way would receive the next customer's message. */
  private async clearTag(credentials: WechatCredentials, tagId: number): Promise<void> {
    const members = await this.wechat.getTagUsers(credentials, tagId);
    if (members.length > 0) {
      this.logger.warn(`Tag ${tagId} of ${credentials.appId} still had ${members.length} members`);
      await this.wechat.untagUsers(credentials, tagId, members);
    }
  }

  private async untagQuietly(
    credentials: WechatCredentials,
    tagId: number,
    openIds: string[],
    when: string,
  ): Promise<void> {
    try {
      await this.wechat.untagUsers(credentials, tagId, openIds);
    } catch (error) {
      // The next send clears the tag before using it.
      this.logger.warn(
        `Could not clear tag ${tagId} ${when}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async waitForJob(credentials: WechatCredentials, msgId: string): Promise<string> {
    const deadline = Date.now() + this.options.jobWaitMs;
    for (;;) {
      try {
        const status = await this.wechat.getMassSendStatus(credentials, msgId);
        if (status !== 'SENDING' || Date.now() >= deadline) {
          return status;
        }
      } catch (error) {
        if (!(error instanceof WechatApiError) || Date.now() >= deadline) {
          // Accepted by WeChat: the job's status is only informative.
          return 'UNKNOWN';
        }
      }
      await sleep(this.options.pollMs);
    }
  }
}
