import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { TicketStatus } from '@wechat-desk/contracts';

import type { TicketViewEntity } from '../entities/ticket-view.entity';
import { affectedRows } from '@wechat-desk/shared/persistence';
import type { TicketScope } from './ticket-scope';

export type TicketView = TicketViewEntity;

/** Where a page ends: exact to the microsecond, as PostgreSQL stores it. */
export interface TicketPosition {
  /** last_message_at as UTC ISO text with microseconds. */
  lastMessageAt: string;
  id: string;
}

export interface TicketListQuery {
  scope: TicketScope;
  status?: TicketStatus | undefined;
  channelId?: string | undefined;
  departmentId?: string | undefined;
  after?: TicketPosition | undefined;
  limit: number;
}

export interface TicketPage {
  items: TicketView[];
  /** Position of the last item when more follow, else null. */
  next: TicketPosition | null;
}

interface TicketRow {
  id: string;
  number: string;
  status: TicketStatus;
  status_version: number;
  channel_id: string;
  department_id: string;
  contact_id: string;
  open_id: string;
  assignee_id: string | null;
  created_at: Date;
  last_message_at: Date;
  position_at: string;
}

const TICKET_COLUMNS = `id, number, status, status_version, channel_id, department_id, contact_id, open_id, assignee_id,
  created_at, last_message_at,
  to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at`;

function toTicketView(row: TicketRow): TicketView {
  return {
    id: row.id,
    number: Number(row.number),
    status: row.status,
    statusVersion: row.status_version,
    channelId: row.channel_id,
    departmentId: row.department_id,
    contactId: row.contact_id,
    openId: row.open_id,
    assigneeId: row.assignee_id,
    createdAt: row.created_at,
    lastMessageAt: row.last_message_at,
  };
}

/** `AND`-joined conditions with their positional parameters. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  /** Registers a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

/**
 * An agent's tickets: the ticket's channel is associated with them in the ticket's department, they
 * still belong to it (the association's foreign key), and the channel still belongs to it.
 */
function scopeCondition(conditions: Conditions, scope: TicketScope): void {
  if (scope.kind === 'agent') {
    conditions.clauses.push(
      `EXISTS (SELECT 1 FROM desk.agent_channels ac
        JOIN desk.channels c ON c.id = ac.channel_id AND c.department_id = ac.department_id
        WHERE ac.agent_id = ${conditions.param(scope.agentId)}
          AND ac.department_id = ticket_views.department_id
          AND ac.channel_id = ticket_views.channel_id)`,
    );
  }
}

@Injectable()
export class TicketViewRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Idempotent: a redelivered ticket.created.v1 changes nothing. Returns whether it was new. */
  async insertIfAbsent(manager: EntityManager, ticket: TicketView): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO desk.ticket_views (id, number, status, status_version, channel_id, department_id,
         contact_id, open_id, assignee_id, created_at, last_message_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        ticket.id,
        ticket.number,
        ticket.status,
        ticket.statusVersion,
        ticket.channelId,
        ticket.departmentId,
        ticket.contactId,
        ticket.openId,
        ticket.assigneeId,
        ticket.createdAt,
        ticket.lastMessageAt,
      ],
    );
    return rows.length > 0;
  }

  async exists(manager: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM desk.ticket_views WHERE id = $1', [
      id,
    ]);
    return rows.length > 0;
  }

  /** Null when the ticket does not exist or lies outside the scope (callers answer 404 alike). */
  findById(id: string, scope: TicketScope): Promise<TicketView | null> {
    return this.find(this.dataSource.manager, id, scope, false);
  }

  /**
   * The ticket, locked until the transaction ends (changes of one ticket take turns, so each live
   * event shows the state its change left); null when unknown or outside the scope.
   */
  lock(
    manager: EntityManager,
    id: string,
    scope: TicketScope = { kind: 'all' },
  ): Promise<TicketView | null> {
    return this.find(manager, id, scope, true);
  }

  /** The ticket as the transaction sees it, without locking it (for what never changes: its channel). */
  read(manager: EntityManager, id: string): Promise<TicketView | null> {
    return this.find(manager, id, { kind: 'all' }, false);
  }

  /** Sets the status shown; `version` when ticketing decided it, unchanged for an optimistic one. */
  async setStatus(
    manager: EntityManager,
    id: string,
    status: TicketStatus,
    version?: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE desk.ticket_views SET status = $2, status_version = COALESCE($3, status_version)
       WHERE id = $1`,
      [id, status, version ?? null],
    );
  }

  async setAssignee(manager: EntityManager, id: string, assigneeId: string | null): Promise<void> {
    await manager.query('UPDATE desk.ticket_views SET assignee_id = $2 WHERE id = $1', [
      id,
      assigneeId,
    ]);
  }

  /** Moves the last activity forward, never back (messages arrive in any order); true if it moved. */
  async touch(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE desk.ticket_views SET last_message_at = $2 WHERE id = $1 AND last_message_at < $2`,
      [id, at],
    );
    return affectedRows(result) > 0;
  }

  private async find(
    manager: EntityManager,
    id: string,
    scope: TicketScope,
    forUpdate: boolean,
  ): Promise<TicketView | null> {
    const conditions = new Conditions();
    conditions.clauses.push(`id = ${conditions.param(id)}`);
    scopeCondition(conditions, scope);
    const rows: TicketRow[] = await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM desk.ticket_views ${conditions.where}${forUpdate ? ' FOR UPDATE' : ''}`,
      conditions.params,
    );
    return rows[0] === undefined ? null : toTicketView(rows[0]);
  }

  /** Most recent activity first; keyset pagination on (last_message_at, id), both descending. */
  async list(query: TicketListQuery): Promise<TicketPage> {
    const conditions = new Conditions();
    scopeCondition(conditions, query.scope);
    if (query.status !== undefined) {
      conditions.clauses.push(`status = ${conditions.param(query.status)}`);
    }
    if (query.channelId !== undefined) {
      conditions.clauses.push(`channel_id = ${conditions.param(query.channelId)}`);
    }
    if (query.departmentId !== undefined) {
      conditions.clauses.push(`department_id = ${conditions.param(query.departmentId)}`);
    }
    if (query.after !== undefined) {
      const at = conditions.param(query.after.lastMessageAt);
      const id = conditions.param(query.after.id);
      conditions.clauses.push(`(last_message_at, id) < (${at}::timestamptz, ${id}::uuid)`);
    }
    const limit = conditions.param(query.limit + 1);
    const rows: TicketRow[] = await this.dataSource.query(
      `SELECT ${TICKET_COLUMNS} FROM desk.ticket_views ${conditions.where}
       ORDER BY last_message_at DESC, id DESC LIMIT ${limit}`,
      conditions.params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTicketView),
      next:
        rows.length > query.limit && last !== undefined
          ? { lastMessageAt: last.position_at, id: last.id }
          : null,
    };
  }
}
