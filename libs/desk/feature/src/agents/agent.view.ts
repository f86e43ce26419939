import { ApiProperty, ApiSchema } from '@nestjs/swagger';

import { AGENT_ROLES, type AgentRecord, type AgentRole } from '@wechat-desk/desk/data-access';

/** Never carries the password hash (AgentRecord has none to begin with). */
export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  departmentIds: string[];
  createdAt: string;
}

/** AgentView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'Agent' })
export class AgentDoc implements AgentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email', description: 'Lower-cased' })
  email!: string;

  @ApiProperty({ example: 'Ann Lee' })
  name!: string;

  @ApiProperty({ enum: AGENT_ROLES })
  role!: AgentRole;

  @ApiProperty({ description: 'false once deactivated (cannot sign in; history stays)' })
  active!: boolean;

  @ApiProperty({ type: [String], format: 'uuid' })
  departmentIds!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'AgentList' })
export class AgentListDoc {
  @ApiProperty({ type: () => [AgentDoc] })
  items!: AgentDoc[];
}

export function presentAgent(agent: AgentRecord): AgentView {
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    active: agent.active,
    departmentIds: agent.departmentIds,
    createdAt: agent.createdAt.toISOString(),
  };
}

/** What the audit log keeps of an agent: never the password or its hash. */
export function agentAuditFields(agent: AgentRecord): Record<string, unknown> {
  return {
    email: agent.email,
    name: agent.name,
    role: agent.role,
    active: agent.active,
    departmentIds: agent.departmentIds,
  };
}
