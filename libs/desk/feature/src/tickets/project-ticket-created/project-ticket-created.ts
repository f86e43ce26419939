import { Inject, Injectable } from '@nestjs/common';

import type { TicketCreatedV1 } from '@wechat-desk/contracts';
import {
  DeskTransactions,
  LiveEventRepository,
  TicketViewRepository,
  type TicketView,
} from '@wechat-desk/desk/data-access';

import { TicketAssigner } from '../assignment/ticket-assigner';
import { ticketLiveEvent } from '../live-events';

/**
 * A new ticket: its view, its agent (the department's assignment mode) and the live event, in one
 * transaction. Idempotent: a redelivery finds the row and changes nothing.
 */
@Injectable()
export class ProjectTicketCreated {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(TicketAssigner) private readonly assigner: TicketAssigner,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
  ) {}

  async execute(event: TicketCreatedV1): Promise<void> {
    const createdAt = new Date(event.createdAt);
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
      lastMessageAt: createdAt,
    };
    await this.transactions.run(async (manager) => {
      if (!(await this.tickets.insertIfAbsent(manager, ticket))) {
        return;
      }
      const assigneeId = await this.assigner.choose(manager, ticket);
      if (assigneeId !== null) {
        await this.tickets.setAssignee(manager, ticket.id, assigneeId);
      }
      await this.liveEvents.append(manager, [
        ticketLiveEvent('ticket.created', { ...ticket, assigneeId }),
      ]);
    });
  }
}
