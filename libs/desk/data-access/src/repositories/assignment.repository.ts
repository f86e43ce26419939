import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { AssignmentMode } from '../entities/department.entity';
import { affectedRows } from './query-results';

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
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

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

  /** The last agent given a ticket of the channel in the department (null before the first). */
  async readCursor(departmentId: string, channelId: string): Promise<string | null> {
    const rows: Array<{ last_agent_id: string | null }> = await this.dataSource.query(
      `SELECT last_agent_id FROM desk.assignment_cursors
       WHERE department_id = $1 AND channel_id = $2`,
      [departmentId, channelId],
    );
    return rows[0]?.last_agent_id ?? null;
  }

  /**
   * Moves the cursor from `from` to `to` unless another assignment moved it first (then false:
   * read it again). A statement of its own, outside the projection's transaction: a cursor row
   * locked until each projection commits made every new ticket of a channel wait for the last.
   */
  async moveCursorIfAt(
    departmentId: string,
    channelId: string,
    from: string | null,
    to: string,
  ): Promise<boolean> {
    if (from === null) {
      const inserted: unknown[] = await this.dataSource.query(
        `INSERT INTO desk.assignment_cursors (department_id, channel_id, last_agent_id)
         VALUES ($1, $2, $3)
         ON CONFLICT (department_id, channel_id) DO UPDATE SET last_agent_id = EXCLUDED.last_agent_id
           WHERE assignment_cursors.last_agent_id IS NULL
         RETURNING 1`,
        [departmentId, channelId, to],
      );
      return inserted.length > 0;
    }
    const updated: unknown = await this.dataSource.query(
      `UPDATE desk.assignment_cursors SET last_agent_id = $4
       WHERE department_id = $1 AND channel_id = $2 AND last_agent_id = $3`,
      [departmentId, channelId, from, to],
    );
    return affectedRows(updated) > 0;
  }
}
