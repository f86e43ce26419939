import { Inject, Injectable } from '@nestjs/common';

import type { TicketMessageAddedV1 } from '@wechat-desk/contracts';
import {
  AttachmentViewRepository,
  ContactViewRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
  type MessageView,
} from '@wechat-desk/desk/data-access';

import { sleep } from '@wechat-desk/shared/util';

import { messageLiveEvent, ticketLiveEvent } from '../live-events';
import { TicketNotProjectedYetError } from '../ticket-not-projected';

/**
 * A new ticket's opening message comes inside ticket.created, but the customer's next messages
 * leave ticketing moments later and may be projected while ticket.created still is, by another
 * consumer of this queue: waiting a little here is far cheaper than a trip through the retry queue.
 */
const TICKET_WAIT = { attempts: 8, intervalMs: 25 } as const;

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
    @Inject(ContactViewRepository) private readonly contacts: ContactViewRepository,
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
    for (let attempt = 1; attempt <= TICKET_WAIT.attempts; attempt++) {
      if ((await this.project(message)) !== 'ticket-missing') {
        return;
      }
      await sleep(TICKET_WAIT.intervalMs);
    }
    throw new TicketNotProjectedYetError(event.ticketId);
  }

  private project(message: MessageView): Promise<'projected' | 'ticket-missing'> {
    return this.transactions.run(async (manager) => {
      const ticket = await this.tickets.lock(manager, message.ticketId);
      if (ticket === null) {
        return 'ticket-missing';
      }
      await this.messages.lockMessage(manager, message.id);
      if (!(await this.messages.insertTicketMessage(manager, message))) {
        return 'projected';
      }
      if (message.direction === 'in') {
        await this.contacts.noteCustomerMessage(manager, ticket, message.sentAt);
      }
      const moved = await this.tickets.touch(manager, ticket.id, message.sentAt);
      const attachments = await this.attachments.listByMessage(manager, message.id);
      await this.liveEvents.append(manager, [
        messageLiveEvent('message.added', ticket, message, attachments),
        ...(moved
          ? [ticketLiveEvent('ticket.updated', { ...ticket, lastMessageAt: message.sentAt })]
          : []),
      ]);
      return 'projected';
    });
  }
}
