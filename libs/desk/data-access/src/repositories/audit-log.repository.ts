import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface NewAuditEntry {
  at: Date;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** Already stripped of secrets. */
  changes: Record<string, unknown>;
}

export interface AuditEntry extends NewAuditEntry {
  /** Increasing with every entry; the pagination key. */
  id: string;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Id of the last item when older entries follow, else null. */
  next: string | null;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  changes: Record<string, unknown>;
}

@Injectable()
export class AuditLogRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Inside the caller's transaction, so the entry commits with the change it describes. */
  async insert(manager: EntityManager, entry: NewAuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO desk.audit_log (at, actor_id, action, target_type, target_id, changes)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        entry.at,
        entry.actorId,
        entry.action,
        entry.targetType,
        entry.targetId,
        JSON.stringify(entry.changes),
      ],
    );
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(query: { before?: string | undefined; limit: number }): Promise<AuditPage> {
    const params: unknown[] = [query.limit + 1];
    let where = '';
    if (query.before !== undefined) {
      params.push(query.before);
      where = 'WHERE id < $2::bigint';
    }
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id::text AS id, at, actor_id, action, target_type, target_id, changes
       FROM desk.audit_log ${where} ORDER BY audit_log.id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        id: row.id,
        at: row.at,
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        changes: row.changes,
      })),
      next: rows.length > query.limit && last !== undefined ? last.id : null,
    };
  }
}
