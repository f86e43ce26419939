import { Inject, Injectable } from '@nestjs/common';

import type { TicketMessageAddedV1 } from '@wechat-desk/contracts';
import {
  AttachmentViewRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
  type MessageView,
} from '@wechat-desk/desk/data-access';

import { messageLiveEvent, ticketLiveEvent } from '../live-events';
import { TicketNotProjectedYetError } from '../ticket-not-projected';

/**
 * A message joined a ticket: the message (with any attachments already reported), the ticket's
 * last activity (never moved back: messages arrive in any order) and the live events, together.
 */
@Injectable()
export class ProjectTicketMessage {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
  ) {}

  async execute(event: TicketMessageAddedV1): Promise<void> {
    const message: MessageView = {
      id: event.messageId,
      ticketId: event.ticketId,
      direction: event.direction,
      type: event.type,
      text: event.text ?? null,
      sentAt: new Date(event.sentAt),
      status: null,
      failureCode: null,
      failureMessage: null,
      agentId: null,
    };
    await this.transactions.run(async (manager) => {
      const ticket = await this.tickets.lock(manager, event.ticketId);
      if (ticket === null) {
        throw new TicketNotProjectedYetError(event.ticketId);
      }
      await this.messages.lockMessage(manager, message.id);
      if (!(await this.messages.insertTicketMessage(manager, message))) {
        return;
      }
      const moved = await this.tickets.touch(manager, ticket.id, message.sentAt);
      const attachments = await this.attachments.listByMessage(manager, message.id);
      await this.liveEvents.append(manager, [
        messageLiveEvent('message.added', ticket, message, attachments),
        ...(moved
          ? [ticketLiveEvent('ticket.updated', { ...ticket, lastMessageAt: message.sentAt })]
          : []),
      ]);
    });
  }
}
