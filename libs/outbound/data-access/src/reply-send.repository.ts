import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

const SCHEMA = 'outbound';

export type ReplySendStatus = 'sending' | 'sent' | 'failed' | 'unknown';

export interface ReplySendClaim {
  replyId: string;
  ticketId: string;
  channelId: string;
  openId: string;
}

export interface ReplySendOutcome {
  status: Exclude<ReplySendStatus, 'sending'>;
  requestBody: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  wechatErrcode: number | null;
}

/** The only code that touches the send ledger. */
@Injectable()
export class ReplySendRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Claims the reply for sending; returns the status found instead when it was claimed before. */
  async claim(
    claim: ReplySendClaim,
  ): Promise<{ claimed: true } | { claimed: false; status: ReplySendStatus }> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO ${SCHEMA}.reply_sends (reply_id, ticket_id, channel_id, open_id, status)
       VALUES ($1, $2, $3, $4, 'sending') ON CONFLICT (reply_id) DO NOTHING RETURNING reply_id`,
      [claim.replyId, claim.ticketId, claim.channelId, claim.openId],
    );
    if (inserted.length > 0) {
      return { claimed: true };
    }
    const rows: Array<{ status: ReplySendStatus }> = await this.dataSource.query(
      `SELECT status FROM ${SCHEMA}.reply_sends WHERE reply_id = $1`,
      [claim.replyId],
    );
    return { claimed: false, status: rows[0]?.status ?? 'sending' };
  }

  /** Gives the claim back when nothing reached WeChat, so a retry may send. */
  async release(replyId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM ${SCHEMA}.reply_sends WHERE reply_id = $1 AND status = 'sending'`,
      [replyId],
    );
  }

  /**
   * Records the outcome and its event together. A late real outcome overrides 'unknown'; once
   * an outcome is final, a later one (from a redelivery) changes nothing and announces nothing.
   */
  async finish(replyId: string, outcome: ReplySendOutcome, events: EventEnvelope[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated: unknown[] = await manager.query(
        `UPDATE ${SCHEMA}.reply_sends SET status = $2, request_body = COALESCE($3, request_body),
           failure_code = $4, failure_message = $5, wechat_errcode = $6, updated_at = now()
         WHERE reply_id = $1 AND status IN ('sending', 'unknown')
         RETURNING reply_id`,
        [
          replyId,
          outcome.status,
          outcome.requestBody,
          outcome.failureCode,
          outcome.failureMessage,
          outcome.wechatErrcode,
        ],
      );
      if (updated.length > 0) {
        await enqueueEvents(manager, SCHEMA, events);
      }
    });
  }
}
