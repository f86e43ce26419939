import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import { AuditLogRepository } from '@wechat-desk/desk/data-access';

import { auditChanges, type AuditFields } from './audit-diff';

export interface AuditRecordInput {
  /** The admin who made the change (null for the system, e.g. bootstrap). */
  actorId: string | null;
  /** `<target>.<verb>`, e.g. `department.created`, `agent.deactivated`, `channel.updated`. */
  action: string;
  targetType: string;
  targetId: string;
  /** The target's fields before (null on creation) and after (null on removal); secrets dropped. */
  before?: AuditFields | null;
  after?: AuditFields | null;
  /** Names of secret fields that changed (e.g. `password`, `appSecret`): recorded by name only. */
  secretsChanged?: readonly string[];
}

/**
 * Writes audit entries of admin changes. Call `record` with the transaction's manager, so the
 * entry commits with the change it describes, or not at all.
 */
@Injectable()
export class AuditLog {
  constructor(@Inject(AuditLogRepository) private readonly entries: AuditLogRepository) {}

  async record(manager: EntityManager, entry: AuditRecordInput): Promise<void> {
    const changes: Record<string, unknown> = {
      ...auditChanges(entry.before ?? null, entry.after ?? null),
    };
    if (entry.secretsChanged !== undefined && entry.secretsChanged.length > 0) {
      changes['secretsChanged'] = [...entry.secretsChanged];
    }
    await this.entries.insert(manager, {
      at: new Date(),
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      changes,
    });
  }
}
