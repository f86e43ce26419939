import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type {
  ConversationAttachmentFailedV1,
  ConversationAttachmentStoredV1,
} from '@wechat-desk/contracts';
import {
  AttachmentViewRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
} from '@wechat-desk/desk/data-access';

import { messageLiveEvent } from '../live-events';

/**
 * The outcome of a customer's media download. Events arrive in any order relative to the
 * message's: the attachment is kept either way, and the message shows it once both are here.
 * Stored wins over failed; a redelivery changes nothing and announces nothing.
 */
@Injectable()
export class ProjectAttachment {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
  ) {}

  stored(event: ConversationAttachmentStoredV1): Promise<void> {
    return this.transactions.run(async (manager) => {
      await this.messages.lockMessage(manager, event.messageId);
      const changed = await this.attachments.recordStored(manager, {
        id: event.attachmentId,
        messageId: event.messageId,
        role: event.role,
        mimeType: event.mimeType,
        size: event.size,
      });
      if (changed) {
        await this.announce(manager, event.messageId);
      }
    });
  }

  failed(event: ConversationAttachmentFailedV1): Promise<void> {
    return this.transactions.run(async (manager) => {
      await this.messages.lockMessage(manager, event.messageId);
      const changed = await this.attachments.recordFailed(manager, {
        id: event.attachmentId,
        messageId: event.messageId,
        role: event.role,
        code: event.code,
        message: event.message,
      });
      if (changed) {
        await this.announce(manager, event.messageId);
      }
    });
  }

  /** 'message.updated' when the message is shown already (else its 'message.added' will carry it). */
  private async announce(manager: EntityManager, messageId: string): Promise<void> {
    const message = await this.messages.findById(manager, messageId);
    if (message === null) {
      return;
    }
    const ticket = await this.tickets.read(manager, message.ticketId);
    if (ticket === null) {
      return;
    }
    const attachments = await this.attachments.listByMessage(manager, messageId);
    await this.liveEvents.append(manager, [
      messageLiveEvent('message.updated', ticket, message, attachments),
    ]);
  }
}
