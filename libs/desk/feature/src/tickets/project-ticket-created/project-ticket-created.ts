import { Inject, Injectable } from '@nestjs/common';

import type { TicketCreatedV1 } from '@wechat-desk/contracts';
import {
  AttachmentViewRepository,
  ContactViewRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
  type MessageView,
  type TicketView,
} from '@wechat-desk/desk/data-access';

import { TicketAssigner } from '../assignment/ticket-assigner';
import { messageLiveEvent, ticketLiveEvent } from '../live-events';

/**
 * A new ticket: its view, its agent (the department's assignment mode), the customer's message
 * that opened it (which travels in ticket.created.v1, with any attachments already reported) and
 * the live events, in one transaction. Idempotent: a redelivery finds the row and changes nothing.
 */
@Injectable()
export class ProjectTicketCreated {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(TicketAssigner) private readonly assigner: TicketAssigner,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
    @Inject(ContactViewRepository) private readonly contacts: ContactViewRepository,
  ) {}

  async execute(event: TicketCreatedV1): Promise<void> {
    const createdAt = new Date(event.createdAt);
    const sentAt = new Date(event.firstMessageSentAt);
    const ticket: TicketView = {
      id: event.ticketId,
      number: event.number,
      status: event.status,
      statusVersion: 1,
      channelId: event.channelId,
      departmentId: event.departmentId,
      contactId: event.contactId,
      openId: event.openId,
      assigneeId: null,
      createdAt,
      // As if the message had been projected after the ticket: last activity never moves back.
      lastMessageAt: sentAt > createdAt ? sentAt : createdAt,
    };
    const message: MessageView = {
      id: event.firstMessageId,
      ticketId: event.ticketId,
      direction: 'in',
      type: event.firstMessageType,
      text: event.firstMessageText ?? null,
      sentAt,
      status: null,
      failureCode: null,
      failureMessage: null,
      agentId: null,
    };
    // The turn is taken before the transaction, in statements of their own: a cursor row locked
    // until each projection commits would make every new ticket of a channel wait for the last.
    // A redelivery of a projected ticket takes no turn; one racing it may skip a turn.
    if (await this.tickets.exists(this.transactions.autocommit, ticket.id)) {
      return;
    }
    const assigneeId = await this.assigner.choose(this.transactions.autocommit, ticket);
    const created: TicketView = { ...ticket, assigneeId };
    await this.transactions.run(async (manager) => {
      if (!(await this.tickets.insertIfAbsent(manager, created))) {
        return;
      }
      // As ProjectTicketMessage: serialised with the message's attachment outcomes.
      await this.messages.lockMessage(manager, message.id);
      const inserted = await this.messages.insertTicketMessage(manager, message);
      if (inserted && message.direction === 'in') {
        await this.contacts.noteCustomerMessage(manager, created, message.sentAt);
      }
      await this.liveEvents.append(manager, [
        ticketLiveEvent('ticket.created', created),
        ...(inserted
          ? [
              messageLiveEvent(
                'message.added',
                created,
                message,
                await this.attachments.listByMessage(manager, message.id),
              ),
            ]
          : []),
      ]);
    });
  }
}
