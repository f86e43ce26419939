import type { CustomerFacts, WindowCounters } from '@wechat-desk/shared/reply-policy';

/** outbound.customer_windows as node-postgres returns it. */
export interface CustomerWindowRow {
  channel_id: string;
  open_id: string;
  following: boolean | null;
  following_changed_at: Date | null;
  last_customer_message_at: Date | null;
  last_prompt_at: Date | null;
  customer_window_opened_at: Date | null;
  customer_window_used: number;
  prompt_window_opened_at: Date | null;
  prompt_window_used: number;
  month_key: string;
  monthly_used: number;
  wechat_refused_at: Date | null;
  /** bigint: node-postgres returns it as text. */
  version: string;
  updated_at: Date;
}

/** A customer's counters as announced in outbound.reply_window.updated.v1. */
export interface CustomerWindowSnapshot extends WindowCounters {
  channelId: string;
  openId: string;
  version: number;
  updatedAt: Date;
}

export function customerFactsOf(row: CustomerWindowRow): CustomerFacts {
  return {
    following: row.following,
    lastCustomerMessageAt: row.last_customer_message_at,
    lastPromptAt: row.last_prompt_at,
  };
}

export function snapshotOf(row: CustomerWindowRow): CustomerWindowSnapshot {
  return {
    channelId: row.channel_id,
    openId: row.open_id,
    version: Number(row.version),
    updatedAt: row.updated_at,
    customerWindowOpenedAt: row.customer_window_opened_at,
    customerWindowUsed: row.customer_window_used,
    promptWindowOpenedAt: row.prompt_window_opened_at,
    promptWindowUsed: row.prompt_window_used,
    monthKey: row.month_key,
    monthlyUsed: row.monthly_used,
    wechatRefusedAt: row.wechat_refused_at,
  };
}
