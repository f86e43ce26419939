import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  AgentRepository,
  DepartmentRepository,
  ForeignKeyViolationError,
  type AgentPatch,
  type AgentRole,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../../audit/audit-log';
import { hashPassword } from '../../auth/password-hasher';
import { DeskError, DeskErrors } from '../../common/desk-error';
import { agentAuditFields, presentAgent, type AgentView } from '../agent.view';

export interface UpdateAgentInput {
  name?: string | undefined;
  role?: AgentRole | undefined;
  departmentIds?: readonly string[] | undefined;
  password?: string | undefined;
}

const lastActiveAdmin = (id: string): DeskError =>
  new DeskError(
    HttpStatus.CONFLICT,
    'LAST_ACTIVE_ADMIN',
    'This is the last active admin: make another agent an admin first',
    { agentId: id },
  );

/**
 * Edits, deactivates and activates agents (rows are never deleted: their history stays). A
 * deactivated agent's sessions end at once; so do an agent's sessions when an admin sets their
 * password. The last active admin cannot be demoted or deactivated, nor can admins deactivate
 * themselves.
 */
@Injectable()
export class UpdateAgent {
  constructor(
    @Inject(AgentRepository) private readonly agents: AgentRepository,
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  async edit(actorId: string, id: string, input: UpdateAgentInput): Promise<AgentView> {
    if (
      input.name === undefined &&
      input.role === undefined &&
      input.departmentIds === undefined &&
      input.password === undefined
    ) {
      throw DeskErrors.validationFailed({
        body: ['give at least one of name, role, departmentIds, password'],
      });
    }
    if (input.departmentIds !== undefined) {
      const missing = await this.departments.findMissing(input.departmentIds);
      if (missing.length > 0) {
        throw DeskErrors.departmentsNotFound(missing);
      }
    }
    const patch: AgentPatch = {
      name: input.name,
      role: input.role,
      departmentIds: input.departmentIds,
      passwordHash: input.password === undefined ? undefined : await hashPassword(input.password),
    };
    try {
      return await this.apply(actorId, id, patch, 'agent.updated');
    } catch (error) {
      if (error instanceof ForeignKeyViolationError && input.departmentIds !== undefined) {
        throw DeskErrors.departmentsNotFound(input.departmentIds);
      }
      throw error;
    }
  }

  setActive(actorId: string, id: string, active: boolean): Promise<AgentView> {
    if (!active && actorId === id) {
      throw new DeskError(
        HttpStatus.CONFLICT,
        'CANNOT_DEACTIVATE_SELF',
        'You cannot deactivate yourself; ask another admin',
        { agentId: id },
      );
    }
    return this.apply(actorId, id, { active }, active ? 'agent.activated' : 'agent.deactivated');
  }

  private async apply(
    actorId: string,
    id: string,
    patch: AgentPatch,
    action: string,
  ): Promise<AgentView> {
    const outcome = await this.agents.update(id, patch, (manager, { before, after }) =>
      this.auditLog.record(manager, {
        actorId,
        action,
        targetType: 'agent',
        targetId: id,
        before: agentAuditFields(before),
        after: agentAuditFields(after),
        ...(patch.passwordHash === undefined ? {} : { secretsChanged: ['password'] }),
      }),
    );
    switch (outcome.kind) {
      case 'not-found':
        throw DeskErrors.notFound('Agent', id);
      case 'last-active-admin':
        throw lastActiveAdmin(id);
      case 'updated':
        return presentAgent(outcome.change.after);
    }
  }
}
