import { HttpStatus, Inject, Injectable, OnModuleInit } from '@nestjs/common';

import {
  AgentRepository,
  LoginFailureRepository,
  SessionRepository,
  type AgentRole,
} from '@wechat-desk/desk/data-access';

import { hashSessionToken, newSessionToken, SESSION_TTL_MS } from '../../common/auth/session-token';
import { DeskError } from '../../common/desk-error';
import { normalizeEmail } from '../../common/transforms';
import {
  LOGIN_FAILURE_WINDOW_MS,
  lockoutMs,
  retryAfterSeconds,
  throttleSubjects,
} from '../login-throttle';
import { decoyPasswordHash, verifyPassword } from '../password-hasher';

export interface LoginResult {
  accessToken: string;
  expiresAt: string;
  agent: { id: string; email: string; name: string; role: AgentRole };
}

export const TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS';

const invalidCredentials = (): DeskError =>
  new DeskError(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', 'The e-mail or password is wrong');

const tooManyAttempts = (seconds: number): DeskError =>
  new DeskError(
    HttpStatus.TOO_MANY_REQUESTS,
    TOO_MANY_ATTEMPTS,
    `Too many failed sign-ins; try again in ${seconds} seconds`,
    { retryAfterSeconds: seconds },
  );

/** Counters untouched for this long are removed on a successful sign-in. */
const STALE_FAILURES_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class Login implements OnModuleInit {
  constructor(
    @Inject(AgentRepository) private readonly agents: AgentRepository,
    @Inject(SessionRepository) private readonly sessions: SessionRepository,
    @Inject(LoginFailureRepository) private readonly failures: LoginFailureRepository,
  ) {}

  /** Computed before the first request, so the first unknown e-mail is not slower than the rest. */
  async onModuleInit(): Promise<void> {
    await decoyPasswordHash();
  }

  /**
   * Refuses with 429 TOO_MANY_ATTEMPTS while the e-mail or the client address is locked out
   * (without checking the password). A deactivated agent gets the same 401 as a wrong password.
   */
  async execute(email: string, password: string, clientIp: string): Promise<LoginResult> {
    const normalized = normalizeEmail(email);
    const subjects = throttleSubjects(normalized, clientIp);
    const now = new Date();
    const lockedUntil = await this.failures.lockedUntil([subjects.email, subjects.ip], now);
    if (lockedUntil !== null) {
      throw tooManyAttempts(retryAfterSeconds(lockedUntil, now));
    }
    const credentials = await this.agents.findCredentialsByEmail(normalized);
    // Always hash, so an unknown e-mail answers as slowly as a wrong password.
    const matches = await verifyPassword(
      password,
      credentials?.passwordHash ?? (await decoyPasswordHash()),
    );
    if (credentials === null || !matches || !credentials.agent.active) {
      await this.recordFailure(subjects.email, now);
      await this.recordFailure(subjects.ip, now);
      throw invalidCredentials();
    }
    await this.failures.clear(subjects.email);
    await this.failures.deleteStale(new Date(now.getTime() - STALE_FAILURES_MS));
    const { agent } = credentials;
    const token = newSessionToken();
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

  private async recordFailure(subject: string, now: Date): Promise<void> {
    await this.failures.recordFailure(subject, now, LOGIN_FAILURE_WINDOW_MS, lockoutMs);
  }
}
