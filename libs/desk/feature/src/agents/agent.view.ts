import type { AgentRecord, AgentRole } from '@wechat-desk/desk/data-access';

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
