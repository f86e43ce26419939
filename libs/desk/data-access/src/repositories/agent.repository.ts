import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { AgentDepartmentEntity } from '../entities/agent-department.entity';
import { AgentEntity, type AgentRole } from '../entities/agent.entity';
import { withConstraintErrors } from '../errors';

export const AGENT_EMAIL_UNIQUE = 'agents_email_unique';

/** An agent as the rest of the service sees it: never with the password hash. */
export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  departmentIds: string[];
  createdAt: Date;
}

export interface NewAgent {
  id: string;
  /** Already lower-case. */
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
  createdAt: Date;
  departmentIds: readonly string[];
}

export interface AgentCredentials {
  agent: AgentRecord;
  passwordHash: string;
}

export type BootstrapAdminOutcome = 'created' | 'admin-exists' | 'email-taken';

/** Serialises bootstrap across replicas starting together (pg_advisory_xact_lock key). */
const BOOTSTRAP_ADMIN_LOCK = 7_310_482_114;

export interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  created_at: Date;
  department_ids: string[];
  password_hash?: string;
}

/** Columns of an AgentRow over `desk.agents a LEFT JOIN desk.agent_departments ad`, grouped by a.id. */
export const AGENT_COLUMNS = `a.id, a.email, a.name, a.role, a.active, a.created_at,
  COALESCE(array_agg(ad.department_id ORDER BY ad.department_id) FILTER (WHERE ad.department_id IS NOT NULL), '{}') AS department_ids`;

const SELECT_AGENT = `SELECT ${AGENT_COLUMNS}
  FROM desk.agents a LEFT JOIN desk.agent_departments ad ON ad.agent_id = a.id`;

export function toAgentRecord(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    departmentIds: row.department_ids,
    createdAt: row.created_at,
  };
}

@Injectable()
export class AgentRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Agent and memberships in one transaction; UniqueViolationError(AGENT_EMAIL_UNIQUE) if the e-mail is taken. */
  async create(agent: NewAgent): Promise<AgentRecord> {
    await withConstraintErrors(() =>
      this.dataSource.transaction((manager) => this.insert(manager, agent)),
    );
    return {
      id: agent.id,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      active: true,
      departmentIds: [...agent.departmentIds].sort(),
      createdAt: agent.createdAt,
    };
  }

  async list(): Promise<AgentRecord[]> {
    const rows: AgentRow[] = await this.dataSource.query(
      `${SELECT_AGENT} GROUP BY a.id ORDER BY a.email`,
    );
    return rows.map(toAgentRecord);
  }

  async findById(id: string): Promise<AgentRecord | null> {
    const rows: AgentRow[] = await this.dataSource.query(
      `${SELECT_AGENT} WHERE a.id = $1 GROUP BY a.id`,
      [id],
    );
    return rows[0] === undefined ? null : toAgentRecord(rows[0]);
  }

  /** For the login check only. */
  async findCredentialsByEmail(email: string): Promise<AgentCredentials | null> {
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT ${AGENT_COLUMNS}, a.password_hash
       FROM desk.agents a LEFT JOIN desk.agent_departments ad ON ad.agent_id = a.id
       WHERE a.email = $1 GROUP BY a.id`,
      [email],
    );
    const row = rows[0];
    if (row?.password_hash === undefined) {
      return null;
    }
    return { agent: toAgentRecord(row), passwordHash: row.password_hash };
  }

  /** Creates the admin only if no active admin exists; replicas starting at once create one. */
  async createAdminIfNoneExists(admin: NewAgent): Promise<BootstrapAdminOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_ADMIN_LOCK]);
      const admins: unknown[] = await manager.query(
        `SELECT 1 FROM desk.agents WHERE role = 'admin' AND active LIMIT 1`,
      );
      if (admins.length > 0) {
        return 'admin-exists';
      }
      const taken = await manager.existsBy(AgentEntity, { email: admin.email });
      if (taken) {
        return 'email-taken';
      }
      await this.insert(manager, { ...admin, role: 'admin' });
      return 'created';
    });
  }

  private async insert(manager: EntityManager, agent: NewAgent): Promise<void> {
    await manager.insert(AgentEntity, {
      id: agent.id,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      passwordHash: agent.passwordHash,
      active: true,
      createdAt: agent.createdAt,
    });
    if (agent.departmentIds.length > 0) {
      await manager.insert(
        AgentDepartmentEntity,
        agent.departmentIds.map((departmentId) => ({ agentId: agent.id, departmentId })),
      );
    }
  }
}
