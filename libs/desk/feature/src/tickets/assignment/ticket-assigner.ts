import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { AssignmentRepository, type TicketView } from '@wechat-desk/desk/data-access';
import { assertNever } from '@wechat-desk/shared/util';

import { nextRoundRobinAgent } from './round-robin';

/** Tries before giving up on a fair turn under contention (the pick is still a valid agent). */
const CURSOR_ATTEMPTS = 10;

/**
 * Who a ticket goes to (desk owns assignment): the department's mode, and in round-robin the next
 * active agent associated with the ticket's channel after the cursor. The cursor moves by
 * compare-and-set, so replicas assigning at once never take the same turn, and no lock is held
 * for the rest of the projection. A projection that fails after moving it skips one turn.
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
    let agentId: string | null = null;
    for (let attempt = 1; attempt <= CURSOR_ATTEMPTS; attempt++) {
      const cursor = await this.assignments.readCursor(ticket.departmentId, ticket.channelId);
      agentId = nextRoundRobinAgent(candidates, cursor);
      if (
        agentId === null ||
        (await this.assignments.moveCursorIfAt(
          ticket.departmentId,
          ticket.channelId,
          cursor,
          agentId,
        ))
      ) {
        return agentId;
      }
    }
    return agentId;
  }
}
