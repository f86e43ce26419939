import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';

import { SessionEntity } from '../entities/session.entity';
import { AGENT_COLUMNS, toAgentRecord, type AgentRecord, type AgentRow } from './agent.repository';

export interface NewSession {
  tokenHash: string;
  agentId: string;
  createdAt: Date;
  expiresAt: Date;
}

@Injectable()
export class SessionRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async create(session: NewSession): Promise<void> {
    await this.dataSource.getRepository(SessionEntity).insert(session);
  }

  /** The active agent behind an unexpired session, or null. */
  async findAgentByTokenHash(tokenHash: string, now: Date): Promise<AgentRecord | null> {
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT ${AGENT_COLUMNS}
       FROM desk.sessions s
       JOIN desk.agents a ON a.id = s.agent_id AND a.active
       LEFT JOIN desk.agent_departments ad ON ad.agent_id = a.id
       WHERE s.token_hash = $1 AND s.expires_at > $2
       GROUP BY a.id`,
      [tokenHash, now],
    );
    return rows[0] === undefined ? null : toAgentRecord(rows[0]);
  }

  /** Housekeeping on login, so expired sessions of active agents do not pile up. */
  async deleteExpiredForAgent(agentId: string, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(SessionEntity)
      .delete({ agentId, expiresAt: LessThanOrEqual(now) });
  }
}
