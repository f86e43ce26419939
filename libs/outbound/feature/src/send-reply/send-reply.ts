import { Inject, Injectable, Logger } from '@nestjs/common';

import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type OutboundReplyRequestedV1,
} from '@wechat-desk/contracts';
import { ReplySendRepository, type ReplySendOutcome } from '@wechat-desk/outbound/data-access';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import {
  WechatApiClient,
  WechatApiError,
  WechatUnreachableError,
} from '@wechat-desk/wechat/api-client';

import { describeWechatSendError } from './wechat-send-errors';

export class ChannelNotYetKnownError extends Error {
  override name = 'ChannelNotYetKnownError';
}

/**
 * Sends an agent's reply through WeChat's customer-service API at most once: the reply is claimed
 * in the ledger before the call, and a claim found on redelivery (the worker died around the
 * call) is reported for review instead of being sent again.
 */
@Injectable()
export class SendReply {
  private readonly logger = new Logger(SendReply.name);

  constructor(
    @Inject(ReplySendRepository) private readonly ledger: ReplySendRepository,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(WechatApiClient) private readonly wechat: WechatApiClient,
  ) {}

  async execute(reply: OutboundReplyRequestedV1, cause: EventEnvelope): Promise<void> {
    const channel = await this.channels.find(reply.channelId);
    if (channel === null) {
      throw new ChannelNotYetKnownError(`channel ${reply.channelId} is not known yet`);
    }
    const claim = await this.ledger.claim(reply);
    if (!claim.claimed) {
      if (claim.status === 'sending') {
        await this.finish(
          reply,
          cause,
          outcomeOf(
            'unknown',
            null,
            'OUTCOME_UNKNOWN',
            'The send was interrupted; check with the customer before sending again.',
          ),
        );
      }
      return;
    }
    if (!channel.enabled) {
      await this.finish(
        reply,
        cause,
        outcomeOf('failed', null, 'CHANNEL_DISABLED', 'The channel is disabled.'),
      );
      return;
    }
    const credentials = { appId: channel.appId, appSecret: channel.secrets.appSecret };
    try {
      // A token problem means nothing reached WeChat yet: give the claim back and retry later.
      await this.wechat.getAccessToken(credentials);
    } catch (error) {
      await this.ledger.release(reply.replyId);
      throw error;
    }
    const message = { touser: reply.openId, msgtype: 'text', text: { content: reply.text } };
    const requestBody = JSON.stringify(message);
    try {
      await this.wechat.sendCustomMessage(credentials, message);
      await this.finish(reply, cause, outcomeOf('sent', requestBody, null, null));
    } catch (error) {
      if (error instanceof WechatApiError) {
        await this.finish(reply, cause, {
          ...outcomeOf(
            'failed',
            requestBody,
            'WECHAT_REFUSED',
            describeWechatSendError(error.errcode, error.errmsg),
          ),
          wechatErrcode: error.errcode,
        });
        return;
      }
      if (error instanceof WechatUnreachableError) {
        this.logger.warn(
          `Reply ${reply.replyId}: outcome unknown (${error.message}); not resending`,
        );
        await this.finish(
          reply,
          cause,
          outcomeOf(
            'unknown',
            requestBody,
            'OUTCOME_UNKNOWN',
            'WeChat did not answer; the message may or may not have arrived.',
          ),
        );
        return;
      }
      throw error;
    }
  }

  private async finish(
    reply: OutboundReplyRequestedV1,
    cause: EventEnvelope,
    outcome: ReplySendOutcome,
  ): Promise<void> {
    const context = { correlationId: cause.correlationId, causationId: cause.id };
    const base = {
      replyId: reply.replyId,
      ticketId: reply.ticketId,
      channelId: reply.channelId,
      openId: reply.openId,
    };
    const event =
      outcome.status === 'sent'
        ? createEnvelope(
            RoutingKeys.outboundReplySent,
            { ...base, sentAt: new Date().toISOString() },
            context,
          )
        : createEnvelope(
            RoutingKeys.outboundReplyFailed,
            {
              ...base,
              code: outcome.failureCode ?? 'FAILED',
              message: outcome.failureMessage ?? 'The message could not be sent.',
              ...(outcome.wechatErrcode === null ? {} : { wechatErrcode: outcome.wechatErrcode }),
              failedAt: new Date().toISOString(),
            },
            context,
          );
    await this.ledger.finish(reply.replyId, outcome, [event]);
  }
}

function outcomeOf(
  status: ReplySendOutcome['status'],
  requestBody: string | null,
  failureCode: string | null,
  failureMessage: string | null,
): ReplySendOutcome {
  return { status, requestBody, failureCode, failureMessage, wechatErrcode: null };
}
