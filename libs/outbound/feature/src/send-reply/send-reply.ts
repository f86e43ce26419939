import { Inject, Injectable, Logger } from '@nestjs/common';

import {
  createEnvelope,
  MEDIA_REPLY_TYPES,
  RoutingKeys,
  type EventEnvelope,
  type MediaReplyType,
  type OutboundReplyRequestedV1,
} from '@wechat-desk/contracts';
import {
  ReplySendRepository,
  type CustomerWindowSnapshot,
  type OutcomeEvents,
  type PreparedReply,
  type RefusalRecord,
  type ReplySendOutcome,
  type ReplyToPrepare,
  type TakenSlot,
} from '@wechat-desk/outbound/data-access';
import { BlobStore } from '@wechat-desk/shared/blob-store';
import { ChannelDirectory, type ChannelRecord } from '@wechat-desk/shared/channel-directory';
import { AppConfig } from '@wechat-desk/shared/config';
import { type ReplyClosedReason } from '@wechat-desk/shared/reply-policy';
import { assertNever } from '@wechat-desk/shared/util';
import {
  WechatApiClient,
  WechatApiError,
  WechatUnreachableError,
  type WechatCredentials,
} from '@wechat-desk/wechat/api-client';

import { MassSendFailedError, MonthlySend } from './monthly-send';
import { massContent, replyContent, type WechatContent } from './reply-content';
import { classifySendRefusal } from './wechat-send-errors';

export class ChannelNotYetKnownError extends Error {
  override name = 'ChannelNotYetKnownError';
}

/** Another worker is calling WeChat for this reply right now; its outcome will be recorded. */
export class ReplyInFlightError extends Error {
  override name = 'ReplyInFlightError';
}

/** WeChat answered busy or rate limited: nothing was sent, the message comes back later. */
export class WechatBusyError extends Error {
  override name = 'WechatBusyError';
}

const CLOSED_WORDS: Readonly<Record<ReplyClosedReason, { code: string; message: string }>> = {
  NEVER_WROTE: {
    code: 'REPLY_WINDOW_CLOSED',
    message: 'The customer never wrote to this account, so nothing can be sent to them.',
  },
  NOT_FOLLOWING: {
    code: 'CUSTOMER_NOT_FOLLOWING',
    message: 'The customer unfollowed the account: WeChat lets nothing reach them.',
  },
  MONTHLY_QUOTA_EXHAUSTED: {
    code: 'MONTHLY_QUOTA_EXHAUSTED',
    message:
      "The reply window is closed and this month's messages to the customer are used up. They can be reached again when they write, or next month.",
  },
};

const isMediaReply = (type: string): type is MediaReplyType =>
  (MEDIA_REPLY_TYPES as readonly string[]).includes(type);

const dateOrNull = (value: string | undefined): Date | null =>
  value === undefined ? null : new Date(value);

/**
 * Sends an agent's reply at most once and within the channel's reply policy. The slot (a window
 * send or a monthly one) is taken atomically with the claim; WeChat is called only from a claim
 * marked 'sending', which is never called again: a crash after the call leaves it for review.
 */
@Injectable()
export class SendReply {
  private readonly logger = new Logger(SendReply.name);

  constructor(
    @Inject(ReplySendRepository) private readonly ledger: ReplySendRepository,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(WechatApiClient) private readonly wechat: WechatApiClient,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(MonthlySend) private readonly monthly: MonthlySend,
    @Inject(AppConfig) private readonly config: Pick<AppConfig, 'REPLY_QUOTA_TIME_ZONE'>,
  ) {}

  async execute(reply: OutboundReplyRequestedV1, cause: EventEnvelope): Promise<void> {
    const channel = await this.channels.find(reply.channelId);
    if (channel === null) {
      throw new ChannelNotYetKnownError(`channel ${reply.channelId} is not known yet`);
    }
    const events = new ReplyEvents(reply, cause);
    const toPrepare = preparationOf(reply);
    if (!channel.enabled) {
      const refusal = events.failure('CHANNEL_DISABLED', 'The channel is disabled.');
      if (await this.ledger.refuse(toPrepare, refusal)) {
        return;
      }
    }
    const prepared = await this.ledger.prepare(
      toPrepare,
      {
        policy: channel.replyPolicy,
        timeZone: this.config.REPLY_QUOTA_TIME_ZONE,
        now: new Date(),
      },
      {
        refused: (reason) =>
          events.failure(CLOSED_WORDS[reason].code, CLOSED_WORDS[reason].message),
        windowUpdated: (snapshot) => events.windowUpdated(snapshot),
      },
    );
    await this.continueWith(prepared, reply, channel, events);
  }

  private async continueWith(
    prepared: PreparedReply,
    reply: OutboundReplyRequestedV1,
    channel: ChannelRecord,
    events: ReplyEvents,
  ): Promise<void> {
    switch (prepared.kind) {
      case 'done':
      case 'refused':
        return;
      case 'in-flight':
        throw new ReplyInFlightError(`Reply ${reply.replyId} is being sent by another worker`);
      case 'in-doubt':
        await this.finish(
          reply,
          events,
          unknownOutcome(
            null,
            'The send was interrupted; check with the customer before sending again.',
          ),
        );
        return;
      case 'ready':
        if (!channel.enabled) {
          await this.finish(
            reply,
            events,
            failedOutcome(null, 'CHANNEL_DISABLED', 'The channel is disabled.'),
          );
          return;
        }
        await this.deliver(reply, channel, prepared.slot, prepared.mediaId, events);
        return;
      default:
        assertNever(prepared, 'Unexpected prepared reply');
    }
  }

  private async deliver(
    reply: OutboundReplyRequestedV1,
    channel: ChannelRecord,
    slot: TakenSlot,
    knownMediaId: string | null,
    events: ReplyEvents,
  ): Promise<void> {
    const credentials = { appId: channel.appId, appSecret: channel.secrets.appSecret };
    let sending = false;
    let requestBody: string | null = null;
    const markSending = async (): Promise<boolean> => {
      sending = await this.ledger.markSending(reply.replyId);
      return sending;
    };
    try {
      // Nothing reaches WeChat before the token is at hand: a token problem is retried safely.
      await this.wechat.getAccessToken(credentials);
      const mediaId = knownMediaId ?? (await this.uploadIfMedia(reply, credentials));
      if (mediaId === false) {
        await this.finish(
          reply,
          events,
          failedOutcome(
            null,
            'ATTACHMENT_MISSING',
            'The attached file is no longer stored; attach it again.',
          ),
        );
        return;
      }
      const content = replyContent(reply, mediaId);
      if (slot.kind === 'quota') {
        const mass = massContent(content);
        if (mass === null) {
          await this.finish(
            reply,
            events,
            failedOutcome(
              null,
              'NOT_SENDABLE_OUTSIDE_WINDOW',
              'A video can only be sent while the reply window is open; send it as a document link instead.',
            ),
          );
          return;
        }
        requestBody = JSON.stringify(mass);
        const sent = await this.monthly.send(
          { id: channel.channelId, credentials },
          reply.openId,
          mass,
          markSending,
        );
        if (sent === null) {
          return;
        }
        await this.ledger.recordMassMessage(reply.replyId, sent.massMsgId);
      } else {
        const message = { touser: reply.openId, ...content };
        requestBody = JSON.stringify(message);
        if (!(await markSending())) {
          return;
        }
        await this.wechat.sendCustomMessage(credentials, message);
      }
      await this.finish(reply, events, sentOutcome(requestBody));
    } catch (error) {
      await this.handleFailure(error, reply, events, { sending, requestBody });
    }
  }

  /** The temporary media_id of an image, voice or video; null for text; false when the file is gone. */
  private async uploadIfMedia(
    reply: OutboundReplyRequestedV1,
    credentials: WechatCredentials,
  ): Promise<string | null | false> {
    if (!isMediaReply(reply.type) || reply.attachmentBlobKey === undefined) {
      return null;
    }
    const blob = await this.blobs.get(reply.attachmentBlobKey);
    if (blob === null) {
      return false;
    }
    const uploaded = await this.wechat.uploadTemporaryMedia(credentials, reply.type, {
      bytes: blob.bytes,
      contentType: blob.contentType,
      fileName: reply.attachmentFileName ?? `${reply.type}`,
    });
    await this.ledger.recordMedia(reply.replyId, uploaded.mediaId);
    return uploaded.mediaId;
  }

  private async handleFailure(
    error: unknown,
    reply: OutboundReplyRequestedV1,
    events: ReplyEvents,
    state: { sending: boolean; requestBody: string | null },
  ): Promise<void> {
    if (error instanceof WechatApiError) {
      const refusal = classifySendRefusal(error.errcode, error.errmsg);
      if (refusal.retryLater) {
        await this.ledger.backToPrepared(reply.replyId);
        throw new WechatBusyError(refusal.message, { cause: error });
      }
      await this.finish(reply, events, {
        ...failedOutcome(state.requestBody, refusal.code, refusal.message),
        wechatErrcode: error.errcode,
        wechatClosedWindowAt: refusal.closesWindow ? new Date() : null,
      });
      return;
    }
    if (error instanceof MassSendFailedError) {
      await this.finish(
        reply,
        events,
        failedOutcome(
          state.requestBody,
          'WECHAT_REFUSED',
          'WeChat accepted the monthly message but could not deliver it.',
        ),
      );
      return;
    }
    if (error instanceof WechatUnreachableError && state.sending) {
      this.logger.warn(`Reply ${reply.replyId}: outcome unknown (${error.message}); not resending`);
      await this.finish(
        reply,
        events,
        unknownOutcome(
          state.requestBody,
          'WeChat did not answer; the message may or may not have arrived.',
        ),
      );
      return;
    }
    // Nothing was sent (WeChat unreachable before the send, lane busy, database): retry later.
    throw error;
  }

  private async finish(
    reply: OutboundReplyRequestedV1,
    events: ReplyEvents,
    outcome: ReplySendOutcome,
  ): Promise<void> {
    const outcomeEvents: OutcomeEvents = {
      outcome:
        outcome.status === 'sent'
          ? events.sent()
          : events.failure(
              outcome.failureCode ?? 'FAILED',
              outcome.failureMessage ?? 'The message could not be sent.',
              outcome.wechatErrcode,
            ).event,
      windowUpdated: (snapshot) => events.windowUpdated(snapshot),
    };
    await this.ledger.finish(reply.replyId, outcome, outcomeEvents);
  }
}

function preparationOf(reply: OutboundReplyRequestedV1): ReplyToPrepare {
  return {
    replyId: reply.replyId,
    ticketId: reply.ticketId,
    channelId: reply.channelId,
    openId: reply.openId,
    type: reply.type,
    following: reply.following ?? null,
    followingChangedAt: dateOrNull(reply.followingChangedAt),
    lastCustomerMessageAt: dateOrNull(reply.lastCustomerMessageAt),
    lastPromptAt: dateOrNull(reply.lastPromptAt),
  };
}

/** The events one reply announces, all caused by its request. */
class ReplyEvents {
  constructor(
    private readonly reply: OutboundReplyRequestedV1,
    private readonly cause: EventEnvelope,
  ) {}

  private get context() {
    return { correlationId: this.cause.correlationId, causationId: this.cause.id };
  }

  private get ref() {
    return {
      replyId: this.reply.replyId,
      ticketId: this.reply.ticketId,
      channelId: this.reply.channelId,
      openId: this.reply.openId,
    };
  }

  sent(): EventEnvelope {
    return createEnvelope(
      RoutingKeys.outboundReplySent,
      { ...this.ref, sentAt: new Date().toISOString() },
      this.context,
    );
  }

  failure(code: string, message: string, wechatErrcode: number | null = null): RefusalRecord {
    return {
      failureCode: code,
      failureMessage: message,
      event: createEnvelope(
        RoutingKeys.outboundReplyFailed,
        {
          ...this.ref,
          code,
          message,
          ...(wechatErrcode === null ? {} : { wechatErrcode }),
          failedAt: new Date().toISOString(),
        },
        this.context,
      ),
    };
  }

  windowUpdated(snapshot: CustomerWindowSnapshot): EventEnvelope {
    const iso = (value: Date | null): string | undefined => value?.toISOString();
    const optional = (name: string, value: Date | null) =>
      value === null ? {} : { [name]: iso(value) };
    return createEnvelope(
      RoutingKeys.outboundReplyWindowUpdated,
      {
        channelId: snapshot.channelId,
        openId: snapshot.openId,
        version: snapshot.version,
        ...optional('customerWindowOpenedAt', snapshot.customerWindowOpenedAt),
        customerWindowUsed: snapshot.customerWindowUsed,
        ...optional('promptWindowOpenedAt', snapshot.promptWindowOpenedAt),
        promptWindowUsed: snapshot.promptWindowUsed,
        monthKey: snapshot.monthKey,
        monthlyUsed: snapshot.monthlyUsed,
        ...optional('wechatRefusedAt', snapshot.wechatRefusedAt),
        updatedAt: snapshot.updatedAt.toISOString(),
      },
      this.context,
    );
  }
}

const base = {
  failureCode: null,
  failureMessage: null,
  wechatErrcode: null,
  giveBackSlot: false,
  wechatClosedWindowAt: null,
};

function sentOutcome(requestBody: string | null): ReplySendOutcome {
  return { ...base, status: 'sent', requestBody };
}

/** WeChat definitively did not deliver: the slot goes back. */
function failedOutcome(
  requestBody: string | null,
  code: string,
  message: string,
): ReplySendOutcome {
  return {
    ...base,
    status: 'failed',
    requestBody,
    failureCode: code,
    failureMessage: message,
    giveBackSlot: true,
  };
}

/** It may have arrived: the slot stays taken. */
function unknownOutcome(requestBody: string | null, message: string): ReplySendOutcome {
  return {
    ...base,
    status: 'unknown',
    requestBody,
    failureCode: 'OUTCOME_UNKNOWN',
    failureMessage: message,
  };
}

export type { WechatContent };
