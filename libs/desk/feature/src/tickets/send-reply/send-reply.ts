import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import { createEnvelope, RoutingKeys, validateEventData } from '@wechat-desk/contracts';
import {
  AttachmentViewRepository,
  ChannelRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
} from '@wechat-desk/desk/data-access';
import { BlobStore } from '@wechat-desk/shared/blob-store';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskError } from '../../common/desk-error';
import { DocumentLinks } from '../../files/document-links';
import { GetTicket } from '../get-ticket/get-ticket';
import { messageLiveEvent, ticketLiveEvent } from '../live-events';
import { closedWindowMessage } from '../reply-window/reply-window.view';
import type { ReplyFileKind } from '../reply-files/file-kind';
import { ReplyWindows } from '../reply-window/reply-windows';
import { TicketNotProjectedYetError } from '../ticket-not-projected';

/** An agent's file, its type already read from its bytes. */
export interface ReplyFile {
  bytes: Buffer;
  mimeType: string;
  /** The name it is sent under (with the extension its bytes call for). */
  fileName: string;
}

export type SendReplyInput =
  { type: 'text'; text: string } | { type: ReplyFileKind; file: ReplyFile; text?: string };

/** Where an agent's file lies for outbound to read: one key per reply. */
export const replyFileBlobKey = (replyId: string): string => `outbound/replies/${replyId}`;

export interface QueuedReply {
  id: string;
  status: 'queued';
}

/**
 * Queues an agent's reply: the message (status queued) and outbound.reply.requested.v1 commit
 * together with its live events, and the message id is the reply id, so outbound sends it at
 * most once. A file is stored first, under its reply's key; a document is linked by a signed URL.
 */
@Injectable()
export class SendReply {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(DocumentLinks) private readonly documentLinks: DocumentLinks,
  ) {}

  async execute(
    agent: AuthenticatedAgent,
    ticketId: string,
    input: SendReplyInput,
  ): Promise<QueuedReply> {
    const ticket = await this.getTicket.visibleTicket(agent, ticketId);
    const channel = await this.channels.findById(ticket.channelId);
    if (channel === null || !channel.enabled) {
      throw new DeskError(
        HttpStatus.CONFLICT,
        'CHANNEL_DISABLED',
        "The ticket's channel is disabled: nothing can be sent through it",
        { channelId: ticket.channelId },
      );
    }
    const requestedAt = new Date();
    // The same decision outbound makes; outbound decides again, atomically, when it sends.
    const { window, facts } = await this.windows.withFacts(ticket, requestedAt);
    if (window.mode === 'closed') {
      throw new DeskError(
        HttpStatus.CONFLICT,
        window.code ?? 'REPLY_WINDOW_CLOSED',
        closedWindowMessage(window, requestedAt, this.windows.timeZone),
        { ...window },
      );
    }
    const customer = facts?.customer;
    const id = randomUUID();
    const file = 'file' in input ? await this.storeFile(id, input, requestedAt) : null;
    const request = validateEventData(RoutingKeys.outboundReplyRequested, {
      replyId: id,
      ticketId: ticket.id,
      channelId: ticket.channelId,
      openId: ticket.openId,
      agentId: agent.id,
      type: input.type,
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(file === null
        ? {}
        : {
            attachmentBlobKey: file.blobKey,
            attachmentMimeType: file.mimeType,
            attachmentSize: file.size,
            attachmentFileName: file.fileName,
            ...(file.documentUrl === null ? {} : { documentUrl: file.documentUrl }),
          }),
      ...isoFields({
        lastCustomerMessageAt: customer?.lastCustomerMessageAt ?? null,
        lastPromptAt: customer?.lastPromptAt ?? null,
        followingChangedAt: customer?.followingChangedAt ?? null,
      }),
      ...(customer?.following === null || customer === undefined
        ? {}
        : { following: customer.following }),
      requestedAt: requestedAt.toISOString(),
    });
    await this.transactions.run(async (manager) => {
      const locked = await this.tickets.lock(manager, ticket.id);
      if (locked === null) {
        throw new TicketNotProjectedYetError(ticket.id);
      }
      const message = await this.messages.insertOutbound(
        manager,
        {
          id,
          ticketId: ticket.id,
          type: input.type,
          text: input.text ?? null,
          sentAt: requestedAt,
          agentId: agent.id,
        },
        [createEnvelope(RoutingKeys.outboundReplyRequested, { ...request })],
      );
      const attachments =
        file === null
          ? []
          : [await this.attachments.recordReplyFile(manager, { ...file, messageId: id })];
      const moved = await this.tickets.touch(manager, ticket.id, requestedAt);
      await this.liveEvents.append(manager, [
        messageLiveEvent('message.added', locked, message, attachments),
        ...(moved
          ? [ticketLiveEvent('ticket.updated', { ...locked, lastMessageAt: requestedAt })]
          : []),
      ]);
    });
    return { id, status: 'queued' };
  }

  /**
   * Before the reply commits, so outbound never reads a reply whose bytes are missing; a reply
   * that then fails to commit leaves its blob unreferenced (nothing sends it).
   */
  private async storeFile(
    replyId: string,
    input: { type: ReplyFileKind; file: ReplyFile },
    requestedAt: Date,
  ): Promise<StoredReplyFile> {
    const attachmentId = randomUUID();
    const blobKey = replyFileBlobKey(replyId);
    await this.blobs.put(blobKey, { bytes: input.file.bytes, contentType: input.file.mimeType });
    return {
      id: attachmentId,
      blobKey,
      mimeType: input.file.mimeType,
      size: input.file.bytes.length,
      fileName: input.file.fileName,
      documentUrl:
        input.type === 'document'
          ? this.documentLinks.linkFor(attachmentId, requestedAt).url
          : null,
    };
  }
}

interface StoredReplyFile {
  id: string;
  blobKey: string;
  mimeType: string;
  size: number;
  fileName: string;
  documentUrl: string | null;
}

/** The instants that are known, as ISO strings (absent ones are left out of the event). */
function isoFields(fields: Record<string, Date | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter((entry): entry is [string, Date] => entry[1] !== null)
      .map(([name, value]) => [name, value.toISOString()]),
  );
}
