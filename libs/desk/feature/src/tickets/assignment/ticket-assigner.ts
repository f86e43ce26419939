import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { AssignmentRepository, type TicketView } from '@wechat-desk/desk/data-access';
import { assertNever } from '@wechat-desk/shared/util';

/**
 * Who a ticket goes to (desk owns assignment): the department's mode, and in round-robin the next
 * active agent associated with the ticket's channel after the cursor, taken in one statement
 * (AssignmentRepository.takeTurn). Every statement runs on the caller's manager: a second pool connection taken while a transaction holds one
 * deadlocks the pool once every connection is such a transaction (prefetch above pool size).
 */
@Injectable()
export class TicketAssigner {
  constructor(@Inject(AssignmentRepository) private readonly assignments: AssignmentRepository) {}

  /** The agent for a ticket that needs one (new, or reopened without an eligible agent). */
  async choose(manager: EntityManager, ticket: TicketView): Promise<string | null> {
    const mode = await this.assignments.modeOf(manager, ticket.departmentId);
    switch (mode) {
      case 'unassigned':
        return null;
      case 'round-robin':
        return this.nextInTurn(manager, ticket);
      default:
        return assertNever(mode);
    }
  }

  /** The current agent while still eligible, else whoever `choose` picks. */
  async keepOrChoose(manager: EntityManager, ticket: TicketView): Promise<string | null> {
    if (
      ticket.assigneeId !== null &&
      (await this.assignments.isEligible(
        manager,
        ticket.assigneeId,
        ticket.departmentId,
        ticket.channelId,
      ))
    ) {
      return ticket.assigneeId;
    }
    return this.choose(manager, ticket);
  }

  isEligible(manager: EntityManager, agentId: string, ticket: TicketView): Promise<boolean> {
    return this.assignments.isEligible(manager, agentId, ticket.departmentId, ticket.channelId);
  }

  private async nextInTurn(manager: EntityManager, ticket: TicketView): Promise<string | null> {
    const candidates = await this.assignments.candidates(
      manager,
      ticket.departmentId,
      ticket.channelId,
    );
    return this.assignments.takeTurn(
      manager,
      ticket.departmentId,
      ticket.channelId,
      candidates.filter((candidate) => candidate.active).map((candidate) => candidate.id),
    );
  }
}
