import type { TicketScope } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';

/**
 * Admins see every ticket; agents those of their departments. (Per-channel association within a
 * department narrows this later.)
 */
export function ticketScopeFor(agent: AuthenticatedAgent): TicketScope {
  return agent.role === 'admin'
    ? { kind: 'all' }
    : { kind: 'departments', departmentIds: agent.departmentIds };
}
