import { HttpStatus, Inject, Injectable, OnModuleInit } from '@nestjs/common';

import { AgentRepository, SessionRepository, type AgentRole } from '@wechat-desk/desk/data-access';

import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from '../../common/auth/session-token';
import { DeskError } from '../../common/desk-error';
import { normalizeEmail } from '../../common/transforms';
import { decoyPasswordHash, verifyPassword } from '../password-hasher';

export interface LoginResult {
  accessToken: string;
  expiresAt: string;
  agent: { id: string; email: string; name: string; role: AgentRole };
}

const invalidCredentials = (): DeskError =>
  new DeskError(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', 'The e-mail or password is wrong');

@Injectable()
export class Login implements OnModuleInit {
  constructor(
    @Inject(AgentRepository) private readonly agents: AgentRepository,
    @Inject(SessionRepository) private readonly sessions: SessionRepository,
  ) {}

  /** Computed before the first request, so the first unknown e-mail is not slower than the rest. */
  async onModuleInit(): Promise<void> {
    await decoyPasswordHash();
  }

  async execute(email: string, password: string): Promise<LoginResult> {
    const credentials = await this.agents.findCredentialsByEmail(normalizeEmail(email));
    // Always hash, so an unknown e-mail answers as slowly as a wrong password.
    const matches = await verifyPassword(
      password,
      credentials?.passwordHash ?? (await decoyPasswordHash()),
    );
    if (credentials === null || !matches || !credentials.agent.active) {
      throw invalidCredentials();
    }
    const { agent } = credentials;
    const token = newSessionToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.sessions.deleteExpiredForAgent(agent.id, now);
    await this.sessions.create({
      tokenHash: hashSessionToken(token),
      agentId: agent.id,
      createdAt: now,
      expiresAt,
    });
    return {
      accessToken: token,
      expiresAt: expiresAt.toISOString(),
      agent: { id: agent.id, email: agent.email, name: agent.name, role: agent.role },
    };
  }
}
