import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

import {
  type AttachmentRecord,
  ConversationRepository,
} from '@wechat-desk/conversation/data-access';
import {
  type ConversationMediaRequestedV1,
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import { BlobStore } from '@wechat-desk/shared/blob-store';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { NonRetryableError } from '@wechat-desk/shared/messaging';
import { assertNever, sleep } from '@wechat-desk/shared/util';
import { WechatApiClient } from '@wechat-desk/wechat/api-client';

import { ConversationMetrics } from '../conversation-metrics';
import {
  classifyDownloadError,
  type DownloadFailure,
  exhaustedFailure,
  nextStep,
  type PermanentFailure,
  type RetryPolicy,
} from './download-retry';

export interface DownloadMediaSettings extends RetryPolicy {
  /** Per HTTP request to WeChat (and to a video's URL). */
  timeoutMs: number;
  /** Larger media is refused and marked MEDIA_TOO_LARGE. */
  maxBytes: number;
}

export const DOWNLOAD_MEDIA_SETTINGS = Symbol('DOWNLOAD_MEDIA_SETTINGS');

export const DEFAULT_DOWNLOAD_SETTINGS: Omit<DownloadMediaSettings, 'maxAttempts'> = {
  quickTries: 3,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
  timeoutMs: 30_000,
  maxBytes: 20 * 1024 * 1024,
};

export class ChannelNotYetKnownError extends Error {
  override name = 'ChannelNotYetKnownError';
}

/** A transient failure handed back to the transport, which redelivers the request later. */
export class MediaDownloadDeferredError extends Error {
  override name = 'MediaDownloadDeferredError';
}

export interface MediaDelivery {
  /** AmqpContext.attempt: 1 on the first delivery. */
  attempt: number;
  cause: EventEnvelope;
}

/**
 * Downloads one media item of a customer's message from WeChat into the blob store (key: the
 * attachment id), then marks the attachment stored and announces it, in one transaction. Gives
 * up (failed + announced) on a permanent error or on the transport's last attempt; a request for
 * an attachment already stored or failed does nothing. A disabled channel still downloads: the
 * message was received while it was enabled and its media would otherwise be lost in 3 days.
 */
@Injectable()
export class DownloadMedia {
  private readonly logger = new Logger(DownloadMedia.name);

  constructor(
    @Inject(ConversationRepository) private readonly repository: ConversationRepository,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(WechatApiClient) private readonly wechat: WechatApiClient,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(DOWNLOAD_MEDIA_SETTINGS) private readonly settings: DownloadMediaSettings,
    @Optional() @Inject(ConversationMetrics) private readonly metrics: ConversationMetrics | null,
  ) {}

  async execute(request: ConversationMediaRequestedV1, delivery: MediaDelivery): Promise<void> {
    const attachment = await this.repository.findAttachment(request.attachmentId);
    if (attachment === null) {
      // Requested in the transaction that created the row: without it, retrying cannot help.
      throw new NonRetryableError(`attachment ${request.attachmentId} does not exist`);
    }
    if (attachment.status !== 'pending') {
      this.metrics?.mediaDownload('skipped');
      return;
    }
    const channel = await this.channels.find(request.channelId);
    if (channel === null) {
      throw new ChannelNotYetKnownError(`channel ${request.channelId} is not known yet`);
    }
    const credentials = { appId: channel.appId, appSecret: channel.secrets.appSecret };
    for (let tries = 1; ; tries += 1) {
      let failure: DownloadFailure | null;
      try {
        const media = await this.wechat.downloadMedia(credentials, attachment.mediaId, {
          timeoutMs: this.settings.timeoutMs,
          maxBytes: this.settings.maxBytes,
        });
        // Idempotent by key: a redelivery after a crash here keeps the first bytes.
        await this.blobs.put(attachment.id, { bytes: media.bytes, contentType: media.contentType });
        await this.stored(attachment, request, delivery.cause, {
          mimeType: media.contentType,
          size: media.bytes.length,
          tries,
        });
        return;
      } catch (error) {
        failure = classifyDownloadError(error);
        if (failure === null) {
          throw error;
        }
      }
      const step = nextStep(failure, tries, delivery.attempt, this.settings);
      switch (step.action) {
        case 'retry-now':
          await sleep(step.delayMs);
          break;
        case 'redeliver':
          await this.repository.noteAttachmentTries(attachment.id, tries, failure.message);
          this.metrics?.mediaDownload('deferred');
          throw new MediaDownloadDeferredError(
            `attachment ${attachment.id} (attempt ${delivery.attempt}): ${failure.message}`,
          );
        case 'give-up':
          await this.failed(
            attachment,
            request,
            delivery.cause,
            exhaustedFailure(failure, attachment.attempts + tries),
            tries,
          );
          return;
        default:
          return assertNever(step);
      }
    }
  }

  private async stored(
    attachment: AttachmentRecord,
    request: ConversationMediaRequestedV1,
    cause: EventEnvelope,
    stored: { mimeType: string; size: number; tries: number },
  ): Promise<void> {
    const done = await this.repository.transaction(async (manager) => {
      const attempts = await this.repository.markAttachmentStored(manager, attachment.id, stored);
      if (attempts === null) {
        return false; // a concurrent delivery finished first
      }
      await this.repository.enqueue(manager, [
        createEnvelope(
          RoutingKeys.conversationAttachmentStored,
          {
            attachmentId: attachment.id,
            messageId: attachment.messageId,
            channelId: request.channelId,
            role: attachment.role,
            mimeType: stored.mimeType,
            size: stored.size,
          },
          { correlationId: cause.correlationId, causationId: cause.id },
        ),
      ]);
      return true;
    });
    this.metrics?.mediaDownload(done ? 'stored' : 'skipped');
  }

  private async failed(
    attachment: AttachmentRecord,
    request: ConversationMediaRequestedV1,
    cause: EventEnvelope,
    failure: PermanentFailure,
    tries: number,
  ): Promise<void> {
    const done = await this.repository.transaction(async (manager) => {
      const attempts = await this.repository.markAttachmentFailed(manager, attachment.id, {
        code: failure.code,
        message: failure.message,
        tries,
      });
      if (attempts === null) {
        return false;
      }
      await this.repository.enqueue(manager, [
        createEnvelope(
          RoutingKeys.conversationAttachmentFailed,
          {
            attachmentId: attachment.id,
            messageId: attachment.messageId,
            channelId: request.channelId,
            role: attachment.role,
            code: failure.code,
            message: failure.message,
            attempts,
          },
          { correlationId: cause.correlationId, causationId: cause.id },
        ),
      ]);
      return true;
    });
    if (done) {
      this.logger.warn(`Attachment ${attachment.id} failed: ${failure.code} ${failure.message}`);
    }
    this.metrics?.mediaDownload(done ? 'failed' : 'skipped', done ? failure.code : 'none');
  }
}
