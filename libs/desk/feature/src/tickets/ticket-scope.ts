import type { TicketScope } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';

/**
 * Admins see every ticket; agents those of the channels associated with them in their departments
 * (anything else answers 404, as if it did not exist).
 */
export function ticketScopeFor(agent: AuthenticatedAgent): TicketScope {
  return agent.role === 'admin' ? { kind: 'all' } : { kind: 'agent', agentId: agent.id };
}
