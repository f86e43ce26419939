import { Inject, Injectable } from '@nestjs/common';

import { SessionRepository } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { hashSessionToken } from '../../common/auth/session-token';

/** Bearer token → the active agent of an unexpired session, or null. */
@Injectable()
export class Authenticate {
  constructor(@Inject(SessionRepository) private readonly sessions: SessionRepository) {}

  async execute(token: string): Promise<AuthenticatedAgent | null> {
    const agent = await this.sessions.findAgentByTokenHash(hashSessionToken(token), new Date());
    if (agent === null) {
      return null;
    }
    return {
      id: agent.id,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      departmentIds: agent.departmentIds,
    };
  }
}
