import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  AGENT_CHANNEL_MEMBERSHIP_FK,
  AgentRepository,
  AssociationRepository,
  DepartmentRepository,
  ForeignKeyViolationError,
} from '@wechat-desk/desk/data-access';

import { AuditLog } from '../audit/audit-log';
import { DeskError, DeskErrors } from '../common/desk-error';

export interface AgentChannelsView {
  departmentId: string;
  agentId: string;
  channelIds: string[];
}

const agentNotInDepartment = (agentId: string, departmentId: string): DeskError =>
  new DeskError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'AGENT_NOT_IN_DEPARTMENT',
    `Agent ${agentId} does not belong to department ${departmentId}: add the department to the agent first`,
    { agentId, departmentId },
  );

const channelsNotInDepartment = (channelIds: readonly string[], departmentId: string): DeskError =>
  new DeskError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'CHANNEL_NOT_IN_DEPARTMENT',
    `These channels do not exist in department ${departmentId}: ${channelIds.join(', ')}`,
    { departmentId, channelIds: [...channelIds] },
  );

/** Which channels of a department an agent works on (product rule 4). */
@Injectable()
export class AgentChannels {
  constructor(
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(AgentRepository) private readonly agents: AgentRepository,
    @Inject(AssociationRepository) private readonly associations: AssociationRepository,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  async get(departmentId: string, agentId: string): Promise<AgentChannelsView> {
    await this.requireBoth(departmentId, agentId);
    return {
      departmentId,
      agentId,
      channelIds: await this.associations.channelIds(agentId, departmentId),
    };
  }

  /** Replaces the set; 422 when the agent is not a member or a channel is not the department's. */
  async replace(
    actorId: string,
    departmentId: string,
    agentId: string,
    channelIds: readonly string[],
  ): Promise<AgentChannelsView> {
    await this.requireBoth(departmentId, agentId);
    if (!(await this.associations.isMember(agentId, departmentId))) {
      throw agentNotInDepartment(agentId, departmentId);
    }
    const outside = await this.associations.findOutsideDepartment(channelIds, departmentId);
    if (outside.length > 0) {
      throw channelsNotInDepartment(outside, departmentId);
    }
    try {
      const change = await this.associations.replace(
        agentId,
        departmentId,
        channelIds,
        (manager, { before, after }) =>
          this.auditLog.record(manager, {
            actorId,
            action: 'agent.channels_replaced',
            targetType: 'agent',
            targetId: agentId,
            before: { departmentId, channelIds: before },
            after: { departmentId, channelIds: after },
          }),
      );
      return { departmentId, agentId, channelIds: change.after };
    } catch (error) {
      if (
        error instanceof ForeignKeyViolationError &&
        error.constraint === AGENT_CHANNEL_MEMBERSHIP_FK
      ) {
        throw agentNotInDepartment(agentId, departmentId);
      }
      if (error instanceof ForeignKeyViolationError) {
        // A channel vanished meanwhile (channels are never deleted today, so only in theory).
        throw channelsNotInDepartment(channelIds, departmentId);
      }
      throw error;
    }
  }

  private async requireBoth(departmentId: string, agentId: string): Promise<void> {
    if (!(await this.departments.exists(departmentId))) {
      throw DeskErrors.notFound('Department', departmentId);
    }
    if ((await this.agents.findById(agentId)) === null) {
      throw DeskErrors.notFound('Agent', agentId);
    }
  }
}
