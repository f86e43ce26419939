import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type { AssignmentMode } from '../entities/department.entity';

/** An agent associated with a channel in a department, active or not. */
export interface AssignmentCandidate {
  id: string;
  active: boolean;
}

/**
 * An agent is associated with a ticket's channel when the association exists in the ticket's
 * department (which implies membership: the association's foreign key) and the channel still
 * belongs to that department; the same rule as the agents' ticket scope.
 */
const ASSOCIATED = `FROM desk.agent_channels ac
  JOIN desk.channels c ON c.id = ac.channel_id AND c.department_id = ac.department_id
  JOIN desk.agents a ON a.id = ac.agent_id
  WHERE ac.department_id = $1 AND ac.channel_id = $2`;

/** Who gets a ticket: the department's mode, the agents it may go to, the round-robin cursor. */
@Injectable()
export class AssignmentRepository {
  /** The department's mode; round-robin (the default) when desk does not know the department. */
  async modeOf(manager: EntityManager, departmentId: string): Promise<AssignmentMode> {
    const rows: Array<{ assignment_mode: AssignmentMode }> = await manager.query(
      'SELECT assignment_mode FROM desk.departments WHERE id = $1',
      [departmentId],
    );
    return rows[0]?.assignment_mode ?? 'round-robin';
  }

  /** The agents associated with the channel in the department, by id. */
  async candidates(
    manager: EntityManager,
    departmentId: string,
    channelId: string,
  ): Promise<AssignmentCandidate[]> {
    const rows: AssignmentCandidate[] = await manager.query(
      `SELECT a.id, a.active ${ASSOCIATED} ORDER BY a.id`,
      [departmentId, channelId],
    );
    return rows;
  }

  /** Whether the agent is active and associated with the channel in the department. */
  async isEligible(
    manager: EntityManager,
    agentId: string,
    departmentId: string,
    channelId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 ${ASSOCIATED} AND a.id = $3 AND a.active`,
      [departmentId, channelId, agentId],
    );
    return rows.length > 0;
  }

  /**
   * Gives the turn to the first of `eligible` after the cursor (the last agent given a ticket of
   * the channel in the department), by id, wrapping around, and moves the cursor there: one
   * statement, so replicas assigning at once take turns exactly and the cursor row is locked only
   * for the statement (in autocommit). A cursor naming an agent no longer eligible still marks a
   * position. Null when nobody is eligible.
   */
  async takeTurn(
    manager: EntityManager,
    departmentId: string,
    channelId: string,
    eligible: readonly string[],
  ): Promise<string | null> {
    if (eligible.length === 0) {
      return null;
    }
    const rows: Array<{ last_agent_id: string }> = await manager.query(
      `INSERT INTO desk.assignment_cursors AS turn (department_id, channel_id, last_agent_id)
       VALUES ($1, $2, (SELECT id FROM unnest($3::uuid[]) AS id ORDER BY id LIMIT 1))
       ON CONFLICT (department_id, channel_id) DO UPDATE SET last_agent_id = COALESCE(
         (SELECT id FROM unnest($3::uuid[]) AS id WHERE id > turn.last_agent_id ORDER BY id LIMIT 1),
         (SELECT id FROM unnest($3::uuid[]) AS id ORDER BY id LIMIT 1))
       RETURNING last_agent_id`,
      [departmentId, channelId, eligible],
    );
    return rows[0]?.last_agent_id ?? null;
  }
}
