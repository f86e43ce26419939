import { Inject, Injectable } from '@nestjs/common';

import type { TicketStatusChangedV1 } from '@wechat-desk/contracts';
import {
  DeskTransactions,
  LiveEventRepository,
  TicketViewRepository,
  type TicketView,
} from '@wechat-desk/desk/data-access';

import { TicketAssigner } from '../assignment/ticket-assigner';
import { ticketLiveEvent } from '../live-events';
import { TicketNotProjectedYetError } from '../ticket-not-projected';

/**
 * The status ticketing decided. Applied only when newer than the one shown (`version`), so older
 * or redelivered events change nothing; it confirms or reverts an agent's optimistic change. A
 * ticket the customer reopened keeps its agent while they may still take it, else is reassigned.
 */
@Injectable()
export class ProjectTicketStatus {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(TicketAssigner) private readonly assigner: TicketAssigner,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
  ) {}

  async execute(event: TicketStatusChangedV1): Promise<void> {
    await this.transactions.run(async (manager) => {
      const before = await this.tickets.lock(manager, event.ticketId);
      if (before === null) {
        throw new TicketNotProjectedYetError(event.ticketId);
      }
      if (event.version <= before.statusVersion) {
        return;
      }
      await this.tickets.setStatus(manager, before.id, event.status, event.version);
      const after: TicketView = { ...before, status: event.status, statusVersion: event.version };
      if (event.cause === 'customer-message' && event.status === 'open') {
        after.assigneeId = await this.assigner.keepOrChoose(manager, before);
        if (after.assigneeId !== before.assigneeId) {
          await this.tickets.setAssignee(manager, before.id, after.assigneeId);
        }
      }
      if (after.status !== before.status || after.assigneeId !== before.assigneeId) {
        await this.liveEvents.append(manager, [ticketLiveEvent('ticket.updated', after)]);
      }
    });
  }
}
