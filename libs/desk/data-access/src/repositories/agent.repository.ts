import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { AgentDepartmentEntity } from '../entities/agent-department.entity';
import { AgentEntity, type AgentRole } from '../entities/agent.entity';
import { SessionEntity } from '../entities/session.entity';
import { withConstraintErrors } from '../errors';
import type { Change, TransactionHook } from './transaction-hook';

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

export interface AgentPatch {
  name?: string | undefined;
  role?: AgentRole | undefined;
  /** Already hashed. */
  passwordHash?: string | undefined;
  departmentIds?: readonly string[] | undefined;
  active?: boolean | undefined;
}

/** What an update did: the change, or why it did nothing. */
export type AgentUpdateOutcome =
  | { kind: 'updated'; change: Change<AgentRecord> }
  | { kind: 'not-found' }
  | { kind: 'last-active-admin' };

const noHook = (): Promise<void> => Promise.resolve();

/**
 * Serialises bootstrap across replicas starting together, and changes that could leave no active
 * admin (pg_advisory_xact_lock key).
 */
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
  async create(agent: NewAgent, hook: TransactionHook<AgentRecord> = noHook): Promise<AgentRecord> {
    const record: AgentRecord = {
      id: agent.id,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      active: true,
      departmentIds: [...agent.departmentIds].sort(),
      createdAt: agent.createdAt,
    };
    await withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        await this.insert(manager, agent);
        await hook(manager, record);
      }),
    );
    return record;
  }

  /**
   * Applies the patch in one transaction, refusing to leave no active admin. Deactivating an agent
   * or changing their password ends their sessions; leaving a department drops its channel
   * associations (foreign key cascade). Throws ForeignKeyViolationError for an unknown department.
   */
  update(
    id: string,
    patch: AgentPatch,
    hook: TransactionHook<Change<AgentRecord>> = noHook,
  ): Promise<AgentUpdateOutcome> {
    return withConstraintErrors(() =>
      this.dataSource.transaction(async (manager): Promise<AgentUpdateOutcome> => {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_ADMIN_LOCK]);
        const before = await this.findWith(manager, id);
        if (before === null) {
          return { kind: 'not-found' };
        }
        const after: AgentRecord = {
          ...before,
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.role === undefined ? {} : { role: patch.role }),
          ...(patch.active === undefined ? {} : { active: patch.active }),
          ...(patch.departmentIds === undefined
            ? {}
            : { departmentIds: [...patch.departmentIds].sort() }),
        };
        const wasActiveAdmin = before.active && before.role === 'admin';
        const isActiveAdmin = after.active && after.role === 'admin';
        if (wasActiveAdmin && !isActiveAdmin && !(await this.otherActiveAdminExists(manager, id))) {
          return { kind: 'last-active-admin' };
        }
        await manager.update(
          AgentEntity,
          { id },
          {
            name: after.name,
            role: after.role,
            active: after.active,
            ...(patch.passwordHash === undefined ? {} : { passwordHash: patch.passwordHash }),
          },
        );
        if (patch.departmentIds !== undefined) {
          await this.replaceDepartments(manager, id, before.departmentIds, after.departmentIds);
        }
        if (!after.active || patch.passwordHash !== undefined) {
          await manager.delete(SessionEntity, { agentId: id });
        }
        const change = { before, after };
        await hook(manager, change);
        return { kind: 'updated', change };
      }),
    );
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

  /** The agent and the departments they belong to, read inside a transaction. */
  private async findWith(manager: EntityManager, id: string): Promise<AgentRecord | null> {
    const rows: AgentRow[] = await manager.query(`${SELECT_AGENT} WHERE a.id = $1 GROUP BY a.id`, [
      id,
    ]);
    return rows[0] === undefined ? null : toAgentRecord(rows[0]);
  }

  private async otherActiveAdminExists(manager: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM desk.agents WHERE role = 'admin' AND active AND id <> $1 LIMIT 1`,
      [id],
    );
    return rows.length > 0;
  }

  private async replaceDepartments(
    manager: EntityManager,
    agentId: string,
    before: readonly string[],
    after: readonly string[],
  ): Promise<void> {
    const removed = before.filter((departmentId) => !after.includes(departmentId));
    const added = after.filter((departmentId) => !before.includes(departmentId));
    if (removed.length > 0) {
      await manager.query(
        `DELETE FROM desk.agent_departments WHERE agent_id = $1 AND department_id = ANY($2::uuid[])`,
        [agentId, removed],
      );
    }
    if (added.length > 0) {
      await manager.insert(
        AgentDepartmentEntity,
        added.map((departmentId) => ({ agentId, departmentId })),
      );
    }
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
