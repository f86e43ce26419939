import { assertNever } from '@wechat-desk/shared/util';

import { DEFAULT_QUOTA_TIME_ZONE, monthKey } from './month-key';

export const REPLY_POLICY_NAMES = ['desk-classic', 'wechat-2023'] as const;
/** A channel's reply policy (the same names as the contracts' ReplyPolicy). */
export type ReplyPolicyName = (typeof REPLY_POLICY_NAMES)[number];
export const DEFAULT_REPLY_POLICY: ReplyPolicyName = 'desk-classic';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A window opened by a customer action, in which WeChat's customer-service send is allowed. */
export interface SendWindowRule {
  /** The window is open while `now < openedAt + durationMs`. */
  durationMs: number;
  /** Sends allowed in one window; null: unlimited. */
  sendLimit: number | null;
}

export interface ReplyPolicyRules {
  /** Opened (and its count reset) by each customer message. */
  customerMessageWindow: SendWindowRule;
  /** Opened (and its count reset) by each follow, menu click or QR scan; null: not granted. */
  promptWindow: SendWindowRule | null;
  /** Sends per customer and calendar month outside the windows (WeChat's mass-message limit). */
  monthlyLimit: number;
}

/**
 * The rules of a policy. desk-classic is the reference product's rule 6 (unlimited for 48 hours
 * after the customer's last message); wechat-2023 is WeChat's since 12 June 2023 (5 sends per
 * customer message for 48 hours, 3 per follow, menu click or QR scan for 1 minute). Both fall back
 * to 4 sends per calendar month.
 */
export function replyPolicyRules(policy: ReplyPolicyName): ReplyPolicyRules {
  switch (policy) {
    case 'desk-classic':
      return {
        customerMessageWindow: { durationMs: 48 * HOUR_MS, sendLimit: null },
        promptWindow: null,
        monthlyLimit: 4,
      };
    case 'wechat-2023':
      return {
        customerMessageWindow: { durationMs: 48 * HOUR_MS, sendLimit: 5 },
        promptWindow: { durationMs: MINUTE_MS, sendLimit: 3 },
        monthlyLimit: 4,
      };
    default:
      return assertNever(policy, 'Unexpected reply policy');
  }
}

/** What the reply policy is decided from: one customer of one channel, at `now`. */
export interface ReplyWindowState {
  policy: ReplyPolicyName;
  /** IANA zone the calendar months are counted in; default Asia/Shanghai. */
  timeZone?: string;
  now: Date;
  /** null: unknown (no follow or unfollow seen yet), treated as following. */
  following: boolean | null;
  /** CreateTime of the customer's latest message; null: the customer never wrote. */
  lastCustomerMessageAt: Date | null;
  /** Sends counted in the window opened by `lastCustomerMessageAt`. */
  sendsSinceCustomerMessage: number;
  /** CreateTime of the latest follow, menu click or QR scan; null: none. */
  lastPromptAt: Date | null;
  /** Sends counted in the window opened by `lastPromptAt`. */
  sendsSincePrompt: number;
  /** Sends counted against the monthly limit in `monthKey(now, timeZone)`. */
  monthlyUsed: number;
  /**
   * When WeChat last refused a window send (45015 / 45047). WeChat's verdict wins: every window
   * opened at or before it is closed; the next customer message or prompt opens a new one.
   */
  wechatRefusedAt?: Date | null;
}

export type SendWindowKind = 'customer-message' | 'prompt';

/** Send now, taking a slot of a window (consume it where `window` opened at `windowOpenedAt`). */
export interface FreeReplyDecision {
  kind: 'free';
  window: SendWindowKind;
  /** Identifies the window's counter: a newer customer message or prompt resets it. */
  windowOpenedAt: Date;
  windowEndsAt: Date;
  /** null: unlimited. */
  windowLimit: number | null;
  windowUsed: number;
  /** Slots left in `window` before this send; null: unlimited. */
  remainingInWindow: number | null;
  /** The end of the latest open window with slots left: sends stay free until then at best. */
  freeUntil: Date;
}

/** Send now, taking one of the month's slots (consume it in `monthKey` while `used < limit`). */
export interface QuotaReplyDecision {
  kind: 'quota';
  monthKey: string;
  used: number;
  limit: number;
  /** Slots left before this send (at least 1). */
  remaining: number;
}

export type ReplyClosedReason = 'NEVER_WROTE' | 'NOT_FOLLOWING' | 'MONTHLY_QUOTA_EXHAUSTED';

/** Refuse before WeChat is called. */
export interface ClosedReplyDecision {
  kind: 'closed';
  reason: ReplyClosedReason;
}

export type ReplyDecision = FreeReplyDecision | QuotaReplyDecision | ClosedReplyDecision;

/** The desk API's 409 codes. */
export type ReplyRefusalCode = 'REPLY_WINDOW_CLOSED' | 'MONTHLY_QUOTA_EXHAUSTED';

export function replyRefusalCode(reason: ReplyClosedReason): ReplyRefusalCode {
  switch (reason) {
    case 'NEVER_WROTE':
    case 'NOT_FOLLOWING':
      return 'REPLY_WINDOW_CLOSED';
    case 'MONTHLY_QUOTA_EXHAUSTED':
      return 'MONTHLY_QUOTA_EXHAUSTED';
    default:
      return assertNever(reason, 'Unexpected reply closed reason');
  }
}

interface OpenWindow {
  window: SendWindowKind;
  openedAt: Date;
  endsAt: Date;
  limit: number | null;
  used: number;
}

function openWindow(
  window: SendWindowKind,
  rule: SendWindowRule | null,
  openedAt: Date | null,
  used: number,
  state: ReplyWindowState,
): OpenWindow | null {
  if (rule === null || openedAt === null) {
    return null;
  }
  const opened = openedAt.getTime();
  const refusedAt = state.wechatRefusedAt ?? null;
  // An action timestamped after `now` (clock skew) counts as just opened.
  const open =
    state.now.getTime() < opened + rule.durationMs &&
    (rule.sendLimit === null || used < rule.sendLimit) &&
    (refusedAt === null || opened > refusedAt.getTime());
  return open
    ? { window, openedAt, endsAt: new Date(opened + rule.durationMs), limit: rule.sendLimit, used }
    : null;
}

function requireDate(name: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid date`);
  }
}

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

function validate(state: ReplyWindowState): void {
  requireDate('now', state.now);
  for (const name of ['lastCustomerMessageAt', 'lastPromptAt', 'wechatRefusedAt'] as const) {
    const value = state[name];
    if (value !== null && value !== undefined) {
      requireDate(name, value);
    }
  }
  for (const name of ['sendsSinceCustomerMessage', 'sendsSincePrompt', 'monthlyUsed'] as const) {
    requireCount(name, state[name]);
  }
}

/**
 * Whether one more send is allowed now, and which counter it takes. Decided in this order:
 * never wrote (agents cannot start a conversation), not following, a free window slot, a monthly
 * slot, else closed.
 *
 * Windows are open while `now < openedAt + duration`: exactly 48 h (or 1 min) after is outside.
 * When several windows have slots (wechat-2023), the send takes the one that ends first, so the
 * slots of the longer window are kept. A window without slots left falls back to the monthly rule,
 * as WeChat's mass messages do not depend on the window.
 *
 * The caller consumes the named counter atomically (conditionally on the window's `openedAt` or
 * on `used < limit`) and decides again if the condition no longer holds.
 */
export function decideReply(state: ReplyWindowState): ReplyDecision {
  validate(state);
  const currentMonth = monthKey(state.now, state.timeZone ?? DEFAULT_QUOTA_TIME_ZONE);
  if (state.lastCustomerMessageAt === null) {
    return { kind: 'closed', reason: 'NEVER_WROTE' };
  }
  if (state.following === false) {
    return { kind: 'closed', reason: 'NOT_FOLLOWING' };
  }
  const rules = replyPolicyRules(state.policy);
  const windows = [
    openWindow(
      'customer-message',
      rules.customerMessageWindow,
      state.lastCustomerMessageAt,
      state.sendsSinceCustomerMessage,
      state,
    ),
    openWindow('prompt', rules.promptWindow, state.lastPromptAt, state.sendsSincePrompt, state),
  ].filter((window): window is OpenWindow => window !== null);
  if (windows.length > 0) {
    const [first] = [...windows].sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime());
    const last = Math.max(...windows.map((window) => window.endsAt.getTime()));
    return {
      kind: 'free',
      window: first.window,
      windowOpenedAt: first.openedAt,
      windowEndsAt: first.endsAt,
      windowLimit: first.limit,
      windowUsed: first.used,
      remainingInWindow: first.limit === null ? null : first.limit - first.used,
      freeUntil: new Date(last),
    };
  }
  if (state.monthlyUsed >= rules.monthlyLimit) {
    return { kind: 'closed', reason: 'MONTHLY_QUOTA_EXHAUSTED' };
  }
  return {
    kind: 'quota',
    monthKey: currentMonth,
    used: state.monthlyUsed,
    limit: rules.monthlyLimit,
    remaining: rules.monthlyLimit - state.monthlyUsed,
  };
}
