import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  AGENT_EMAIL_UNIQUE,
  AgentRepository,
  DepartmentRepository,
  ForeignKeyViolationError,
  UniqueViolationError,
  type AgentRole,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../../audit/audit-log';
import { DeskError, DeskErrors } from '../../common/desk-error';
import { hashPassword } from '../../auth/password-hasher';
import { agentAuditFields, presentAgent, type AgentView } from '../agent.view';

export interface CreateAgentInput {
  email: string;
  name: string;
  password: string;
  role: AgentRole;
  departmentIds: readonly string[];
}

@Injectable()
export class CreateAgent {
  constructor(
    @Inject(AgentRepository) private readonly agents: AgentRepository,
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  async execute(actorId: string, input: CreateAgentInput): Promise<AgentView> {
    const missing = await this.departments.findMissing(input.departmentIds);
    if (missing.length > 0) {
      throw DeskErrors.departmentsNotFound(missing);
    }
    try {
      const agent = await this.agents.create(
        {
          id: randomUUID(),
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash: await hashPassword(input.password),
          createdAt: new Date(),
          departmentIds: input.departmentIds,
        },
        (manager, created) =>
          this.auditLog.record(manager, {
            actorId,
            action: 'agent.created',
            targetType: 'agent',
            targetId: created.id,
            after: agentAuditFields(created),
          }),
      );
      return presentAgent(agent);
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint === AGENT_EMAIL_UNIQUE) {
        throw new DeskError(
          HttpStatus.CONFLICT,
          'DUPLICATE_EMAIL',
          `An agent with ${input.email} exists`,
          {
            email: input.email,
          },
        );
      }
      if (error instanceof ForeignKeyViolationError) {
        throw DeskErrors.departmentsNotFound(input.departmentIds);
      }
      throw error;
    }
  }
}
