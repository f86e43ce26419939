import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { createEnvelope, RoutingKeys, validateEventData } from '@wechat-desk/contracts';
import {
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
  type TicketView as TicketRecord,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../../audit/audit-log';
import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskError, DeskErrors } from '../../common/desk-error';
import { TicketAssigner } from '../assignment/ticket-assigner';
import { ticketLiveEvent } from '../live-events';
import { ticketScopeFor } from '../ticket-scope';
import { ReplyWindows } from '../reply-window/reply-windows';
import { presentTicket, type TicketView } from '../ticket.view';
import type { UpdateTicketDto } from './update-ticket.dto';

export const assigneeNotEligible = (assigneeId: string, ticket: TicketRecord): DeskError =>
  new DeskError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'ASSIGNEE_NOT_ELIGIBLE',
    `Agent ${assigneeId} cannot take this ticket: they must be active and associated with its channel in its department`,
    { assigneeId, channelId: ticket.channelId, departmentId: ticket.departmentId },
  );

/**
 * An agent changes a ticket in their scope, in one transaction with its live event. Desk owns
 * assignment: the assignee is written here (and audited). Ticketing owns the status: the view
 * shows the new one at once and ticket.status.change.requested.v1 asks ticketing, whose
 * ticket.status.changed.v1 confirms or reverts it.
 */
@Injectable()
export class UpdateTicket {
  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(TicketAssigner) private readonly assigner: TicketAssigner,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
  ) {}

  async execute(
    agent: AuthenticatedAgent,
    ticketId: string,
    input: UpdateTicketDto,
  ): Promise<TicketView> {
    if (input.status === undefined && input.assigneeId === undefined) {
      throw DeskErrors.validationFailed({ body: ['Give status, assigneeId or both'] });
    }
    const after = await this.transactions.run(async (manager) => {
      const before = await this.tickets.lock(manager, ticketId, ticketScopeFor(agent));
      if (before === null) {
        throw DeskErrors.notFound('Ticket', ticketId);
      }
      const changed: TicketRecord = {
        ...before,
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.assigneeId === undefined ? {} : { assigneeId: input.assigneeId }),
      };
      if (changed.assigneeId !== before.assigneeId) {
        await this.reassign(manager, agent, before, changed.assigneeId);
      }
      if (changed.status !== before.status) {
        await this.requestStatus(manager, agent, changed);
      }
      if (changed.status !== before.status || changed.assigneeId !== before.assigneeId) {
        await this.liveEvents.append(manager, [ticketLiveEvent('ticket.updated', changed)]);
      }
      return changed;
    });
    return presentTicket(after, await this.windows.ofTicket(after));
  }

  private async reassign(
    manager: EntityManager,
    agent: AuthenticatedAgent,
    before: TicketRecord,
    assigneeId: string | null,
  ): Promise<void> {
    if (assigneeId !== null && !(await this.assigner.isEligible(manager, assigneeId, before))) {
      throw assigneeNotEligible(assigneeId, before);
    }
    await this.tickets.setAssignee(manager, before.id, assigneeId);
    await this.auditLog.record(manager, {
      actorId: agent.id,
      action: 'ticket.assigned',
      targetType: 'ticket',
      targetId: before.id,
      before: { assigneeId: before.assigneeId },
      after: { assigneeId },
    });
  }

  /** Optimistic view and the request to ticketing, through the outbox: they commit together. */
  private async requestStatus(
    manager: EntityManager,
    agent: AuthenticatedAgent,
    ticket: TicketRecord,
  ): Promise<void> {
    await this.tickets.setStatus(manager, ticket.id, ticket.status);
    const seen = await this.messages.latestInboundAt(manager, ticket.id);
    const request = validateEventData(RoutingKeys.ticketStatusChangeRequested, {
      ticketId: ticket.id,
      status: ticket.status,
      agentId: agent.id,
      ...(seen === null ? {} : { seenCustomerMessageAt: seen.toISOString() }),
      requestedAt: new Date().toISOString(),
    });
    await this.transactions.enqueue(manager, [
      createEnvelope(RoutingKeys.ticketStatusChangeRequested, { ...request }),
    ]);
  }
}
