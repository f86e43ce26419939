import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Inject, Injectable } from '@nestjs/common';

import { AuditLogRepository, type AuditEntry } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../common/desk-error';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;

export class ListAuditLogQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  target: { type: string; id: string };
  changes: Record<string, unknown>;
}

export interface AuditPageView {
  items: AuditEntryView[];
  nextCursor: string | null;
}

/** Opaque to clients: base64url of `a<id>`. */
export function encodeAuditCursor(id: string): string {
  return Buffer.from(`a${id}`, 'utf8').toString('base64url');
}

/** The entry id a cursor names, or null when it is not one we issued. */
export function decodeAuditCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) {
    return null;
  }
  const match = /^a([1-9]\d{0,17})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match?.[1] ?? null;
}

function presentEntry(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    changes: entry.changes,
  };
}

/** Newest first, with cursor pagination. */
@Injectable()
export class ListAuditLog {
  constructor(@Inject(AuditLogRepository) private readonly entries: AuditLogRepository) {}

  async execute(query: ListAuditLogQuery): Promise<AuditPageView> {
    const before = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    if (before === null) {
      throw DeskErrors.validationFailed({ cursor: ['cursor is not one this API issued'] });
    }
    const page = await this.entries.list({
      before,
      limit: query.limit ?? DEFAULT_AUDIT_PAGE_SIZE,
    });
    return {
      items: page.items.map(presentEntry),
      nextCursor: page.next === null ? null : encodeAuditCursor(page.next),
    };
  }
}
