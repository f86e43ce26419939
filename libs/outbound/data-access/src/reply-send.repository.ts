import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents, returnedRows } from '@wechat-desk/shared/persistence';
import {
  decideReply,
  replyWindowState,
  type ReplyClosedReason,
  type ReplyPolicyName,
  type SendWindowKind,
} from '@wechat-desk/shared/reply-policy';

import {
  customerFactsOf,
  snapshotOf,
  type CustomerWindowRow,
  type CustomerWindowSnapshot,
} from './customer-window.row';

const SCHEMA = 'outbound';

export type ReplySendStatus = 'prepared' | 'sending' | 'sent' | 'failed' | 'unknown';

/** The counter a send took: given back when WeChat definitively refuses. */
export type TakenSlot =
  { kind: SendWindowKind; windowOpenedAt: Date } | { kind: 'quota'; monthKey: string };

export interface ReplyToPrepare {
  replyId: string;
  ticketId: string;
  channelId: string;
  openId: string;
  type: string;
  /** The desk's view of the customer; the latest of it and ours decides. */
  following: boolean | null;
  followingChangedAt: Date | null;
  lastCustomerMessageAt: Date | null;
  lastPromptAt: Date | null;
}

export interface PrepareRules {
  policy: ReplyPolicyName;
  timeZone: string;
  now: Date;
}

export type PreparedReply =
  /** Go on and call WeChat (a new slot, or the one an interrupted attempt took). */
  | { kind: 'ready'; slot: TakenSlot; mediaId: string | null }
  /** The policy refuses: recorded as failed, with the caller's event. */
  | { kind: 'refused'; reason: ReplyClosedReason }
  /** An earlier attempt may have reached WeChat: never call again. */
  | { kind: 'in-doubt' }
  /** Another worker is calling WeChat for it right now: look again later. */
  | { kind: 'in-flight' }
  /** Already sent, failed or reported: nothing to do. */
  | { kind: 'done' };

export interface ReplySendOutcome {
  status: 'sent' | 'failed' | 'unknown';
  requestBody: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  wechatErrcode: number | null;
  /** WeChat definitively did not deliver: the slot goes back to the customer's counters. */
  giveBackSlot: boolean;
  /** WeChat closed the window (45015/45047): windows opened until now are closed in our books. */
  wechatClosedWindowAt: Date | null;
}

/** How a refusal by the policy is recorded and announced. */
export interface RefusalRecord {
  failureCode: string;
  failureMessage: string;
  event: EventEnvelope;
}

export interface OutcomeEvents {
  outcome: EventEnvelope;
  windowUpdated: (snapshot: CustomerWindowSnapshot) => EventEnvelope;
}

/** Longer than any WeChat call of a send takes (the monthly route waits for the mass job). */
const IN_FLIGHT_FOR_AT_MOST = '90 seconds';

interface LedgerRow {
  status: ReplySendStatus;
  slot_kind: 'customer-message' | 'prompt' | 'quota' | null;
  slot_window_opened_at: Date | null;
  slot_month_key: string | null;
  wechat_media_id: string | null;
}

/**
 * The only code that touches the send ledger and the customers' counters. Every decision locks
 * the customer's row, so replies to one customer are decided one at a time by all workers.
 */
@Injectable()
export class ReplySendRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Claims the reply and takes its slot in one transaction: a crash before the commit leaves
   * nothing behind, so a redelivery decides again.
   */
  async prepare(
    reply: ReplyToPrepare,
    rules: PrepareRules,
    events: {
      refused: (reason: ReplyClosedReason) => RefusalRecord;
      windowUpdated: (snapshot: CustomerWindowSnapshot) => EventEnvelope;
    },
  ): Promise<PreparedReply> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${SCHEMA}.reply_sends (reply_id, ticket_id, channel_id, open_id, status, reply_type)
         VALUES ($1, $2, $3, $4, 'prepared', $5) ON CONFLICT (reply_id) DO NOTHING RETURNING reply_id`,
        [reply.replyId, reply.ticketId, reply.channelId, reply.openId, reply.type],
      );
      if (inserted.length === 0) {
        return this.resume(manager, reply.replyId);
      }
      const window = await this.lockCustomer(manager, reply);
      const decision = decideReply(
        replyWindowState({
          policy: rules.policy,
          timeZone: rules.timeZone,
          now: rules.now,
          customer: customerFactsOf(window),
          counters: snapshotOf(window),
        }),
      );
      switch (decision.kind) {
        case 'closed': {
          const refusal = events.refused(decision.reason);
          await manager.query(
            `UPDATE ${SCHEMA}.reply_sends SET status = 'failed', failure_code = $2,
               failure_message = $3, updated_at = now() WHERE reply_id = $1`,
            [reply.replyId, refusal.failureCode, refusal.failureMessage],
          );
          await enqueueEvents(manager, SCHEMA, [refusal.event]);
          return { kind: 'refused', reason: decision.reason };
        }
        case 'free':
        case 'quota': {
          const slot: TakenSlot =
            decision.kind === 'free'
              ? { kind: decision.window, windowOpenedAt: decision.windowOpenedAt }
              : { kind: 'quota', monthKey: decision.monthKey };
          const updated = await this.takeSlot(manager, window, slot);
          await manager.query(
            `UPDATE ${SCHEMA}.reply_sends SET slot_kind = $2, slot_window_opened_at = $3,
               slot_month_key = $4 WHERE reply_id = $1`,
            [
              reply.replyId,
              slot.kind,
              slot.kind === 'quota' ? null : slot.windowOpenedAt,
              slot.kind === 'quota' ? slot.monthKey : null,
            ],
          );
          await enqueueEvents(manager, SCHEMA, [events.windowUpdated(snapshotOf(updated))]);
          return { kind: 'ready', slot, mediaId: null };
        }
        default:
          throw new Error('Unexpected reply decision');
      }
    });
  }

  /**
   * Records a reply refused before any slot is taken (a disabled channel). False when the reply
   * was known already: an earlier attempt's outcome stands, or its slot is to be given back.
   */
  async refuse(reply: ReplyToPrepare, refusal: RefusalRecord): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${SCHEMA}.reply_sends (reply_id, ticket_id, channel_id, open_id, status,
           reply_type, failure_code, failure_message)
         VALUES ($1, $2, $3, $4, 'failed', $5, $6, $7) ON CONFLICT (reply_id) DO NOTHING
         RETURNING reply_id`,
        [
          reply.replyId,
          reply.ticketId,
          reply.channelId,
          reply.openId,
          reply.type,
          refusal.failureCode,
          refusal.failureMessage,
        ],
      );
      if (inserted.length > 0) {
        await enqueueEvents(manager, SCHEMA, [refusal.event]);
      }
      return inserted.length > 0;
    });
  }

  /** Right before WeChat is called: from here on the reply is never sent again. */
  async markSending(replyId: string): Promise<boolean> {
    const updated = returnedRows(
      await this.dataSource.query(
        `UPDATE ${SCHEMA}.reply_sends SET status = 'sending', updated_at = now()
         WHERE reply_id = $1 AND status = 'prepared' RETURNING reply_id`,
        [replyId],
      ),
    );
    return updated.length > 0;
  }

  /** WeChat answered that it did not send (busy, rate limited): a later attempt may send. */
  async backToPrepared(replyId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${SCHEMA}.reply_sends SET status = 'prepared', updated_at = now()
       WHERE reply_id = $1 AND status = 'sending'`,
      [replyId],
    );
  }

  /** An uploaded temporary media id, kept so an interrupted attempt does not upload again. */
  async recordMedia(replyId: string, mediaId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${SCHEMA}.reply_sends SET wechat_media_id = $2 WHERE reply_id = $1`,
      [replyId, mediaId],
    );
  }

  async recordMassMessage(replyId: string, massMsgId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${SCHEMA}.reply_sends SET wechat_mass_msg_id = $2 WHERE reply_id = $1`,
      [replyId, massMsgId],
    );
  }

  /**
   * Records the outcome and its event together, with the slot given back and WeChat's verdict on
   * the window when the outcome says so. A late real outcome overrides 'unknown'; once final, a
   * later one (from a redelivery) changes nothing and announces nothing.
   */
  async finish(replyId: string, outcome: ReplySendOutcome, events: OutcomeEvents): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated = returnedRows<LedgerRow & { channel_id: string; open_id: string }>(
        await manager.query(
          `UPDATE ${SCHEMA}.reply_sends SET status = $2, request_body = COALESCE($3, request_body),
             failure_code = $4, failure_message = $5, wechat_errcode = $6, updated_at = now()
           WHERE reply_id = $1 AND status IN ('prepared', 'sending', 'unknown')
           RETURNING channel_id, open_id, status, slot_kind, slot_window_opened_at, slot_month_key,
             wechat_media_id`,
          [
            replyId,
            outcome.status,
            outcome.requestBody,
            outcome.failureCode,
            outcome.failureMessage,
            outcome.wechatErrcode,
          ],
        ),
      );
      const ledger = updated[0];
      if (ledger === undefined) {
        return;
      }
      const toAnnounce = [events.outcome];
      const window = await this.applyOutcomeToCounters(manager, ledger, outcome);
      if (window !== null) {
        toAnnounce.push(events.windowUpdated(snapshotOf(window)));
      }
      await enqueueEvents(manager, SCHEMA, toAnnounce);
    });
  }

  /** The customer's counters, for the typing indicator's check. */
  async findCustomer(channelId: string, openId: string): Promise<CustomerWindowSnapshot | null> {
    const rows: CustomerWindowRow[] = await this.dataSource.query(
      `SELECT * FROM ${SCHEMA}.customer_windows WHERE channel_id = $1 AND open_id = $2`,
      [channelId, openId],
    );
    return rows[0] === undefined ? null : snapshotOf(rows[0]);
  }

  private async resume(manager: EntityManager, replyId: string): Promise<PreparedReply> {
    const rows: Array<LedgerRow & { in_flight: boolean }> = await manager.query(
      `SELECT status, slot_kind, slot_window_opened_at, slot_month_key, wechat_media_id,
         updated_at > now() - interval '${IN_FLIGHT_FOR_AT_MOST}' AS in_flight
       FROM ${SCHEMA}.reply_sends WHERE reply_id = $1 FOR UPDATE`,
      [replyId],
    );
    const row = rows[0];
    if (row === undefined) {
      return { kind: 'in-doubt' };
    }
    switch (row.status) {
      case 'prepared': {
        const slot = slotOf(row);
        return slot === null
          ? { kind: 'in-doubt' }
          : { kind: 'ready', slot, mediaId: row.wechat_media_id };
      }
      case 'sending':
        return row.in_flight ? { kind: 'in-flight' } : { kind: 'in-doubt' };
      case 'sent':
      case 'failed':
      case 'unknown':
        return { kind: 'done' };
      default:
        throw new Error(`Unexpected ledger status ${String(row.status)}`);
    }
  }

  /** Upserts what the desk knows of the customer (keeping the latest of each fact) and locks the row. */
  private async lockCustomer(
    manager: EntityManager,
    reply: ReplyToPrepare,
  ): Promise<CustomerWindowRow> {
    const rows: CustomerWindowRow[] = await manager.query(
      `INSERT INTO ${SCHEMA}.customer_windows AS w (channel_id, open_id, following,
         following_changed_at, last_customer_message_at, last_prompt_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel_id, open_id) DO UPDATE SET
         following = CASE
           WHEN EXCLUDED.following_changed_at IS NOT NULL
             AND (w.following_changed_at IS NULL OR EXCLUDED.following_changed_at > w.following_changed_at)
             THEN EXCLUDED.following
           WHEN w.following_changed_at IS NULL AND EXCLUDED.following IS NOT NULL THEN EXCLUDED.following
           ELSE w.following END,
         following_changed_at = GREATEST(w.following_changed_at, EXCLUDED.following_changed_at),
         last_customer_message_at = GREATEST(w.last_customer_message_at, EXCLUDED.last_customer_message_at),
         last_prompt_at = GREATEST(w.last_prompt_at, EXCLUDED.last_prompt_at)
       RETURNING *`,
      [
        reply.channelId,
        reply.openId,
        reply.following,
        reply.followingChangedAt,
        reply.lastCustomerMessageAt,
        reply.lastPromptAt,
      ],
    );
    return rows[0];
  }

  /** Counts the send where the decision said; a counter of an older window or month restarts. */
  private async takeSlot(
    manager: EntityManager,
    window: CustomerWindowRow,
    slot: TakenSlot,
  ): Promise<CustomerWindowRow> {
    const key = [window.channel_id, window.open_id];
    const result: unknown =
      slot.kind === 'quota'
        ? await manager.query(
            `UPDATE ${SCHEMA}.customer_windows SET
               monthly_used = CASE WHEN month_key = $3 THEN monthly_used + 1 ELSE 1 END,
               month_key = $3, version = version + 1, updated_at = now()
             WHERE channel_id = $1 AND open_id = $2 RETURNING *`,
            [...key, slot.monthKey],
          )
        : await manager.query(
            slot.kind === 'customer-message'
              ? `UPDATE ${SCHEMA}.customer_windows SET
                   customer_window_used = CASE WHEN customer_window_opened_at = $3
                     THEN customer_window_used + 1 ELSE 1 END,
                   customer_window_opened_at = $3, version = version + 1, updated_at = now()
                 WHERE channel_id = $1 AND open_id = $2 RETURNING *`
              : `UPDATE ${SCHEMA}.customer_windows SET
                   prompt_window_used = CASE WHEN prompt_window_opened_at = $3
                     THEN prompt_window_used + 1 ELSE 1 END,
                   prompt_window_opened_at = $3, version = version + 1, updated_at = now()
                 WHERE channel_id = $1 AND open_id = $2 RETURNING *`,
            [...key, slot.windowOpenedAt],
          );
    return returnedRows<CustomerWindowRow>(result)[0];
  }

  private async applyOutcomeToCounters(
    manager: EntityManager,
    ledger: LedgerRow & { channel_id: string; open_id: string },
    outcome: ReplySendOutcome,
  ): Promise<CustomerWindowRow | null> {
    const slot = outcome.giveBackSlot ? slotOf(ledger) : null;
    if (slot === null && outcome.wechatClosedWindowAt === null) {
      return null;
    }
    // Every parameter appears typed in the statement, whichever counter (if any) goes back.
    const result: unknown = await manager.query(
      `UPDATE ${SCHEMA}.customer_windows SET
         monthly_used = CASE WHEN $4::text = 'quota' AND month_key = $5::text AND monthly_used > 0
           THEN monthly_used - 1 ELSE monthly_used END,
         customer_window_used = CASE WHEN $4::text = 'customer-message'
           AND customer_window_opened_at = $6::timestamptz AND customer_window_used > 0
           THEN customer_window_used - 1 ELSE customer_window_used END,
         prompt_window_used = CASE WHEN $4::text = 'prompt'
           AND prompt_window_opened_at = $6::timestamptz AND prompt_window_used > 0
           THEN prompt_window_used - 1 ELSE prompt_window_used END,
         wechat_refused_at = CASE WHEN $3::timestamptz IS NULL THEN wechat_refused_at
           ELSE GREATEST(wechat_refused_at, $3::timestamptz) END,
         version = version + 1, updated_at = now()
       WHERE channel_id = $1 AND open_id = $2 RETURNING *`,
      [
        ledger.channel_id,
        ledger.open_id,
        outcome.wechatClosedWindowAt,
        slot?.kind ?? null,
        slot?.kind === 'quota' ? slot.monthKey : null,
        slot !== null && slot.kind !== 'quota' ? slot.windowOpenedAt : null,
      ],
    );
    return returnedRows<CustomerWindowRow>(result)[0] ?? null;
  }
}

function slotOf(row: LedgerRow): TakenSlot | null {
  switch (row.slot_kind) {
    case 'quota':
      return row.slot_month_key === null ? null : { kind: 'quota', monthKey: row.slot_month_key };
    case 'customer-message':
    case 'prompt':
      return row.slot_window_opened_at === null
        ? null
        : { kind: row.slot_kind, windowOpenedAt: row.slot_window_opened_at };
    case null:
      return null;
    default:
      throw new Error(`Unexpected slot kind ${String(row.slot_kind)}`);
  }
}
