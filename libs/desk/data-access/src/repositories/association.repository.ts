import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { withConstraintErrors } from '../errors';
import type { Change, TransactionHook } from './transaction-hook';

/** The agent no longer belongs to the department (membership removed meanwhile). */
export const AGENT_CHANNEL_MEMBERSHIP_FK = 'agent_channels_membership_fkey';

const noHook = (): Promise<void> => Promise.resolve();

/** Agent ↔ channel associations, per department (product rule 4). */
@Injectable()
export class AssociationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async isMember(agentId: string, departmentId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM desk.agent_departments WHERE agent_id = $1 AND department_id = $2`,
      [agentId, departmentId],
    );
    return rows.length > 0;
  }

  /** The ids among `channelIds` that name no channel of the department. */
  async findOutsideDepartment(
    channelIds: readonly string[],
    departmentId: string,
  ): Promise<string[]> {
    if (channelIds.length === 0) {
      return [];
    }
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM desk.channels WHERE id = ANY($1::uuid[]) AND department_id = $2`,
      [[...channelIds], departmentId],
    );
    const inside = new Set(rows.map((row) => row.id));
    return channelIds.filter((id) => !inside.has(id));
  }

  /** The channels associated with the agent in the department, sorted. */
  channelIds(agentId: string, departmentId: string): Promise<string[]> {
    return this.channelIdsWith(this.dataSource.manager, agentId, departmentId);
  }

  /**
   * The channels whose tickets the agent may see: associated with them in a department they
   * belong to, and still belonging to that department.
   */
  async visibleChannelIds(agentId: string): Promise<string[]> {
    const rows: { channel_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT ac.channel_id FROM desk.agent_channels ac
       JOIN desk.channels c ON c.id = ac.channel_id AND c.department_id = ac.department_id
       WHERE ac.agent_id = $1 ORDER BY ac.channel_id`,
      [agentId],
    );
    return rows.map((row) => row.channel_id);
  }

  /**
   * Replaces the agent's channels in the department. Throws
   * ForeignKeyViolationError(AGENT_CHANNEL_MEMBERSHIP_FK) when the agent is not a member.
   */
  replace(
    agentId: string,
    departmentId: string,
    channelIds: readonly string[],
    hook: TransactionHook<Change<string[]>> = noHook,
  ): Promise<Change<string[]>> {
    return withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        // Serialises concurrent replacements of the same set.
        await manager.query(
          `SELECT 1 FROM desk.agent_departments WHERE agent_id = $1 AND department_id = $2 FOR UPDATE`,
          [agentId, departmentId],
        );
        const before = await this.channelIdsWith(manager, agentId, departmentId);
        const after = [...new Set(channelIds)].sort();
        await manager.query(
          `DELETE FROM desk.agent_channels WHERE agent_id = $1 AND department_id = $2`,
          [agentId, departmentId],
        );
        if (after.length > 0) {
          await manager.query(
            `INSERT INTO desk.agent_channels (agent_id, department_id, channel_id)
             SELECT $1, $2, unnest($3::uuid[])`,
            [agentId, departmentId, after],
          );
        }
        const change = { before, after };
        await hook(manager, change);
        return change;
      }),
    );
  }

  private async channelIdsWith(
    manager: EntityManager,
    agentId: string,
    departmentId: string,
  ): Promise<string[]> {
    const rows: { channel_id: string }[] = await manager.query(
      `SELECT channel_id FROM desk.agent_channels WHERE agent_id = $1 AND department_id = $2
       ORDER BY channel_id`,
      [agentId, departmentId],
    );
    return rows.map((row) => row.channel_id);
  }
}
