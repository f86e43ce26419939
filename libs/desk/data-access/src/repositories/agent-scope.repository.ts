import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { AgentRole } from '../entities';

/** One (department, channel) pair whose tickets an agent may see. */
export interface ScopePair {
  departmentId: string;
  channelId: string;
}

/** The agent behind a session that still works. */
export interface LiveSession {
  agentId: string;
  role: AgentRole;
}

/**
 * What long-lived readers (the live stream) re-check periodically, for many agents in one query
 * each: whose sessions still work and what each agent may see.
 */
@Injectable()
export class AgentScopeRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Of these session token hashes, those of unexpired sessions of active agents (keyed by hash),
   * by the same rule as sign-in checks.
   */
  async liveSessions(tokenHashes: readonly string[], now: Date): Promise<Map<string, LiveSession>> {
    if (tokenHashes.length === 0) {
      return new Map();
    }
    const rows: Array<{ token_hash: string; agent_id: string; role: AgentRole }> =
      await this.dataSource.query(
        `SELECT s.token_hash, a.id AS agent_id, a.role
         FROM desk.sessions s JOIN desk.agents a ON a.id = s.agent_id AND a.active
         WHERE s.token_hash = ANY($1::text[]) AND s.expires_at > $2`,
        [[...new Set(tokenHashes)], now],
      );
    return new Map(rows.map((row) => [row.token_hash, { agentId: row.agent_id, role: row.role }]));
  }

  /**
   * For each agent, the (department, channel) pairs whose tickets they may see: the channel is
   * associated with them in the department and still belongs to it (as ticket lists scope).
   * Agents with none are absent from the map.
   */
  async visiblePairs(agentIds: readonly string[]): Promise<Map<string, ScopePair[]>> {
    const pairs = new Map<string, ScopePair[]>();
    if (agentIds.length === 0) {
      return pairs;
    }
    const rows: Array<{ agent_id: string; department_id: string; channel_id: string }> =
      await this.dataSource.query(
        `SELECT ac.agent_id, ac.department_id, ac.channel_id FROM desk.agent_channels ac
         JOIN desk.channels c ON c.id = ac.channel_id AND c.department_id = ac.department_id
         WHERE ac.agent_id = ANY($1::uuid[])`,
        [[...new Set(agentIds)]],
      );
    for (const row of rows) {
      const own = pairs.get(row.agent_id) ?? [];
      own.push({ departmentId: row.department_id, channelId: row.channel_id });
      pairs.set(row.agent_id, own);
    }
    return pairs;
  }
}
