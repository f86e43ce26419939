import type { AgentRole } from '@wechat-desk/desk/data-access';

/** Who is calling, as the guard found them; use cases scope their answers with it. */
export interface AuthenticatedAgent {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  departmentIds: readonly string[];
}

export interface RequestWithAgent {
  headers: Record<string, string | string[] | undefined>;
  agent?: AuthenticatedAgent;
}
