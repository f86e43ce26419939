import { monthKey } from './month-key';
import type { ReplyPolicyName, ReplyWindowState } from './reply-policy';

/** What is known of the customer: the latest of each fact, from WeChat's pushes. */
export interface CustomerFacts {
  following: boolean | null;
  lastCustomerMessageAt: Date | null;
  lastPromptAt: Date | null;
}

/**
 * Outbound's counters. Each belongs to the window it names and to its month: a newer customer
 * message, prompt or month starts again from zero.
 */
export interface WindowCounters {
  customerWindowOpenedAt: Date | null;
  customerWindowUsed: number;
  promptWindowOpenedAt: Date | null;
  promptWindowUsed: number;
  monthKey: string;
  monthlyUsed: number;
  wechatRefusedAt: Date | null;
}

export const NO_SENDS_YET: WindowCounters = {
  customerWindowOpenedAt: null,
  customerWindowUsed: 0,
  promptWindowOpenedAt: null,
  promptWindowUsed: 0,
  monthKey: '0000-00',
  monthlyUsed: 0,
  wechatRefusedAt: null,
};

const sameInstant = (a: Date | null, b: Date | null): boolean =>
  a !== null && b !== null && a.getTime() === b.getTime();

/** The input of decideReply: the counters that still apply to the customer's current windows. */
export function replyWindowState(input: {
  policy: ReplyPolicyName;
  timeZone: string;
  now: Date;
  customer: CustomerFacts;
  counters: WindowCounters;
}): ReplyWindowState {
  const { customer, counters } = input;
  return {
    policy: input.policy,
    timeZone: input.timeZone,
    now: input.now,
    following: customer.following,
    lastCustomerMessageAt: customer.lastCustomerMessageAt,
    sendsSinceCustomerMessage: sameInstant(
      counters.customerWindowOpenedAt,
      customer.lastCustomerMessageAt,
    )
      ? counters.customerWindowUsed
      : 0,
    lastPromptAt: customer.lastPromptAt,
    sendsSincePrompt: sameInstant(counters.promptWindowOpenedAt, customer.lastPromptAt)
      ? counters.promptWindowUsed
      : 0,
    monthlyUsed:
      counters.monthKey === monthKey(input.now, input.timeZone) ? counters.monthlyUsed : 0,
    wechatRefusedAt: counters.wechatRefusedAt,
  };
}

/** The later of two optional instants (facts from two sources, either may be missing). */
export function laterOf(a: Date | null, b: Date | null): Date | null {
  if (a === null) {
    return b;
  }
  if (b === null) {
    return a;
  }
  return a.getTime() >= b.getTime() ? a : b;
}
