import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

import { AuditLogRepository, type AuditEntry } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../common/desk-error';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;

export class ListAuditLogQuery {
  @ApiPropertyOptional({ maxLength: 100, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 200,
    default: DEFAULT_AUDIT_PAGE_SIZE,
  })
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

@ApiSchema({ name: 'AuditTarget' })
class AuditTargetDoc implements Readonly<AuditEntryView['target']> {
  @ApiProperty({ example: 'channel' })
  type!: string;

  @ApiProperty()
  id!: string;
}

/** AuditEntryView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'AuditEntry' })
export class AuditEntryDoc implements AuditEntryView {
  @ApiProperty()
  id!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the system' })
  actorId!: string | null;

  @ApiProperty({ example: 'channel.created' })
  action!: string;

  @ApiProperty({ type: () => AuditTargetDoc })
  target!: AuditTargetDoc;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed (never secret values)',
  })
  changes!: Record<string, unknown>;
}

@ApiSchema({ name: 'AuditPage' })
export class AuditPageDoc implements AuditPageView {
  @ApiProperty({ type: () => [AuditEntryDoc] })
  items!: AuditEntryDoc[];

  @ApiProperty({ type: String, nullable: true, description: 'null on the last page' })
  nextCursor!: string | null;
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
