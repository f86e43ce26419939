import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { ReplyPolicy } from '@wechat-desk/contracts';
import type { CustomerFacts, WindowCounters } from '@wechat-desk/shared/reply-policy';

/** outbound.reply_window.updated.v1 as the desk keeps it. */
export interface ReplyWindowCounters extends WindowCounters {
  channelId: string;
  openId: string;
  version: number;
  updatedAt: Date;
}

/** Everything the reply window of one customer is decided from, as the desk knows it. */
export interface ReplyWindowFacts {
  contactId: string;
  /** null: the channel is not known to the desk (any more). */
  policy: ReplyPolicy | null;
  enabled: boolean;
  customer: CustomerFacts & { followingChangedAt: Date | null; lastInteractionAt: Date | null };
  counters: WindowCounters | null;
}

export interface CustomerRef {
  contactId: string;
  channelId: string;
  openId: string;
}

interface FactsRow {
  contact_id: string;
  reply_policy: ReplyPolicy | null;
  enabled: boolean | null;
  following: boolean | null;
  following_changed_at: Date | null;
  last_customer_message_at: Date | null;
  last_prompt_at: Date | null;
  last_interaction_at: Date | null;
  version: string | null;
  customer_window_opened_at: Date | null;
  customer_window_used: number | null;
  prompt_window_opened_at: Date | null;
  prompt_window_used: number | null;
  month_key: string | null;
  monthly_used: number | null;
  wechat_refused_at: Date | null;
}

@Injectable()
export class ReplyWindowRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Keeps the highest version: copies applied in any order, or twice, end the same. */
  async apply(counters: ReplyWindowCounters): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO desk.reply_windows AS w (channel_id, open_id, version, customer_window_opened_at,
         customer_window_used, prompt_window_opened_at, prompt_window_used, month_key,
         monthly_used, wechat_refused_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (channel_id, open_id) DO UPDATE SET
         version = EXCLUDED.version,
         customer_window_opened_at = EXCLUDED.customer_window_opened_at,
         customer_window_used = EXCLUDED.customer_window_used,
         prompt_window_opened_at = EXCLUDED.prompt_window_opened_at,
         prompt_window_used = EXCLUDED.prompt_window_used,
         month_key = EXCLUDED.month_key,
         monthly_used = EXCLUDED.monthly_used,
         wechat_refused_at = EXCLUDED.wechat_refused_at,
         updated_at = EXCLUDED.updated_at
       WHERE EXCLUDED.version > w.version`,
      [
        counters.channelId,
        counters.openId,
        counters.version,
        counters.customerWindowOpenedAt,
        counters.customerWindowUsed,
        counters.promptWindowOpenedAt,
        counters.promptWindowUsed,
        counters.monthKey,
        counters.monthlyUsed,
        counters.wechatRefusedAt,
        counters.updatedAt,
      ],
    );
  }

  /** The facts of several customers in one query (a page of tickets), keyed by contact id. */
  async factsOf(
    customers: readonly CustomerRef[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, ReplyWindowFacts>> {
    if (customers.length === 0) {
      return new Map();
    }
    const rows: FactsRow[] = await manager.query(
      `SELECT x.contact_id, ch.reply_policy, ch.enabled, cv.following, cv.following_changed_at,
         cv.last_customer_message_at, cv.last_prompt_at, cv.last_interaction_at, rw.version,
         rw.customer_window_opened_at, rw.customer_window_used, rw.prompt_window_opened_at,
         rw.prompt_window_used, rw.month_key, rw.monthly_used, rw.wechat_refused_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(contact_id, channel_id, open_id)
       LEFT JOIN desk.channels ch ON ch.id = x.channel_id
       LEFT JOIN desk.contact_views cv ON cv.contact_id = x.contact_id
       LEFT JOIN desk.reply_windows rw ON rw.channel_id = x.channel_id AND rw.open_id = x.open_id`,
      [
        customers.map((customer) => customer.contactId),
        customers.map((customer) => customer.channelId),
        customers.map((customer) => customer.openId),
      ],
    );
    return new Map(rows.map((row) => [row.contact_id, factsOf(row)]));
  }
}

function factsOf(row: FactsRow): ReplyWindowFacts {
  return {
    contactId: row.contact_id,
    policy: row.reply_policy,
    enabled: row.enabled ?? false,
    customer: {
      following: row.following,
      followingChangedAt: row.following_changed_at,
      lastCustomerMessageAt: row.last_customer_message_at,
      lastPromptAt: row.last_prompt_at,
      lastInteractionAt: row.last_interaction_at,
    },
    counters:
      row.version === null
        ? null
        : {
            customerWindowOpenedAt: row.customer_window_opened_at,
            customerWindowUsed: row.customer_window_used ?? 0,
            promptWindowOpenedAt: row.prompt_window_opened_at,
            promptWindowUsed: row.prompt_window_used ?? 0,
            monthKey: row.month_key ?? '0000-00',
            monthlyUsed: row.monthly_used ?? 0,
            wechatRefusedAt: row.wechat_refused_at,
          },
  };
}
