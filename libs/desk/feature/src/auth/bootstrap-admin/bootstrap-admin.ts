import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { AgentRepository } from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';

import { normalizeEmail } from '../../common/transforms';
import { hashPassword } from '../password-hasher';

/** Creates BOOTSTRAP_ADMIN_EMAIL as an admin at start when no active admin exists yet. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AgentRepository) private readonly agents: AgentRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.BOOTSTRAP_ADMIN_EMAIL;
    const password = this.config.BOOTSTRAP_ADMIN_PASSWORD;
    if (email === undefined || password === undefined) {
      return;
    }
    const outcome = await this.agents.createAdminIfNoneExists({
      id: randomUUID(),
      email: normalizeEmail(email),
      name: 'Administrator',
      role: 'admin',
      passwordHash: await hashPassword(password),
      createdAt: new Date(),
      departmentIds: [],
    });
    switch (outcome) {
      case 'created':
        this.logger.log(`Created the bootstrap admin ${normalizeEmail(email)}`);
        return;
      case 'admin-exists':
        return;
      case 'email-taken':
        this.logger.warn(
          `No admin exists, but ${normalizeEmail(email)} belongs to a non-admin agent: bootstrap admin not created`,
        );
        return;
    }
  }
}
