import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'message.added',
  'message.updated',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** What agents are told; channel and department decide who may see it. */
export interface NewLiveEvent {
  type: LiveEventType;
  ticketId: string;
  channelId: string;
  departmentId: string;
  /** The ticket or message as the desk API presents it. */
  data: object;
}

export interface LiveEvent extends NewLiveEvent {
  /** Increasing; a reconnecting client resumes after the last one it saw. */
  seq: number;
  createdAt: Date;
}

/** Wakes every desk-api replica's stream when live events commit (NOTIFY is sent on commit). */
export const LIVE_EVENTS_NOTIFY_CHANNEL = 'desk_live_events';

interface LiveEventRow {
  seq: string;
  type: LiveEventType;
  ticket_id: string;
  channel_id: string;
  department_id: string;
  data: object;
  created_at: Date;
}

@Injectable()
export class LiveEventRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Inside the projection's transaction: the event commits with the change, or neither does. */
  async append(manager: EntityManager, events: readonly NewLiveEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await manager.query(
      `INSERT INTO desk.live_events (type, ticket_id, channel_id, department_id, data)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::jsonb[])`,
      [
        events.map((event) => event.type),
        events.map((event) => event.ticketId),
        events.map((event) => event.channelId),
        events.map((event) => event.departmentId),
        events.map((event) => JSON.stringify(event.data)),
      ],
    );
    await manager.query(`SELECT pg_notify('${LIVE_EVENTS_NOTIFY_CHANNEL}', '')`);
  }

  /** Oldest first, after `seq`. */
  async listAfter(seq: number, limit: number): Promise<LiveEvent[]> {
    const rows: LiveEventRow[] = await this.dataSource.query(
      `SELECT seq, type, ticket_id, channel_id, department_id, data, created_at
       FROM desk.live_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [seq, limit],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type,
      ticketId: row.ticket_id,
      channelId: row.channel_id,
      departmentId: row.department_id,
      data: row.data,
      createdAt: row.created_at,
    }));
  }

  /**
   * Whether events after `seq` may have been deleted by retention, so a client resuming from it
   * would miss some: its own event is gone and the oldest kept one is not right after it (or,
   * with nothing kept after it, the stream is known to have gone past it). A rolled-back seq
   * next to a deleted one can answer true wrongly; a needless reset is harmless, a hole is not.
   */
  async resumePointExpired(seq: number, knownLatestSeq: number): Promise<boolean> {
    const rows: Array<{ oldest: string | null; has_own: boolean | null }> =
      await this.dataSource.query(
        `SELECT min(seq) AS oldest, bool_or(seq = $1) AS has_own
         FROM desk.live_events WHERE seq >= $1`,
        [seq],
      );
    const row = rows[0];
    if (row?.has_own === true) {
      return false;
    }
    if (row?.oldest === null || row?.oldest === undefined) {
      return knownLatestSeq > seq;
    }
    return Number(row.oldest) > seq + 1;
  }

  /** Retention: removes up to `limit` events created before `cutoff`; returns how many. */
  async deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    // Wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count] instead of rows.
    const rows: Array<{ deleted: number }> = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM desk.live_events WHERE seq IN (
           SELECT seq FROM desk.live_events WHERE created_at < $1 ORDER BY seq LIMIT $2)
         RETURNING seq)
       SELECT count(*)::int AS deleted FROM gone`,
      [cutoff, limit],
    );
    return rows[0]?.deleted ?? 0;
  }

  /** The newest seq, or 0: where a new client without a resume point starts. */
  async latestSeq(): Promise<number> {
    const rows: Array<{ seq: string | null }> = await this.dataSource.query(
      'SELECT max(seq) AS seq FROM desk.live_events',
    );
    return Number(rows[0]?.seq ?? 0);
  }
}
