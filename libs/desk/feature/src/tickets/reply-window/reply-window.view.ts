import {
  decideReply,
  NO_SENDS_YET,
  replyRefusalCode,
  replyWindowState,
  replyWindowView,
  type ReplyClosedReason,
  type ReplyRefusalCode,
  type ReplyWindowView,
} from '@wechat-desk/shared/reply-policy';
import type { ReplyWindowFacts } from '@wechat-desk/desk/data-access';

/** GET /tickets/:id/reply-window: the contract's fields, and why it is closed when it is. */
export interface TicketReplyWindow extends ReplyWindowView {
  /** Present when mode is closed. */
  reason?: ReplyClosedReason | 'CHANNEL_DISABLED';
  /** The 409 code POST /messages answers now; present when mode is closed. */
  code?: ReplyRefusalCode | 'CHANNEL_DISABLED';
  /** wechat-2023: free sends left in the window that ends first; null: unlimited. */
  freeSendsLeft?: number | null;
}

/**
 * The reply window from what the desk knows, by the very rules outbound applies. A disabled (or
 * unknown) channel sends nothing whatever the window says.
 */
export function ticketReplyWindow(
  facts: ReplyWindowFacts | undefined,
  timeZone: string,
  now: Date,
): TicketReplyWindow {
  const policy = facts?.policy ?? 'desk-classic';
  const state = replyWindowState({
    policy,
    timeZone,
    now,
    customer: facts?.customer ?? {
      following: null,
      lastCustomerMessageAt: null,
      lastPromptAt: null,
    },
    counters: facts?.counters ?? NO_SENDS_YET,
  });
  const view = replyWindowView(state);
  if (facts === undefined || facts.policy === null || !facts.enabled) {
    return {
      ...view,
      mode: 'closed',
      freeUntil: null,
      reason: 'CHANNEL_DISABLED',
      code: 'CHANNEL_DISABLED',
    };
  }
  const decision = decideReply(state);
  switch (decision.kind) {
    case 'closed':
      return { ...view, reason: decision.reason, code: replyRefusalCode(decision.reason) };
    case 'free':
      return { ...view, freeSendsLeft: decision.remainingInWindow };
    case 'quota':
      return view;
    default:
      return view;
  }
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Words for the agent when nothing can be sent. */
export function closedWindowMessage(
  window: TicketReplyWindow,
  now: Date,
  timeZone: string,
): string {
  switch (window.reason) {
    case 'NEVER_WROTE':
      return 'The customer has not written to this account: agents cannot start a conversation on WeChat.';
    case 'NOT_FOLLOWING':
      return 'The customer unfollowed the account: WeChat lets nothing reach them until they follow again.';
    case 'MONTHLY_QUOTA_EXHAUSTED': {
      const month = Number(
        new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric' }).format(now),
      );
      const next = MONTH_NAMES[month % 12] ?? 'next month';
      return `The customer last wrote more than 48 hours ago and this month's ${window.monthly.limit} messages are used up; they reset on 1 ${next} (${timeZone}), or when the customer writes again.`;
    }
    case 'CHANNEL_DISABLED':
      return "The ticket's channel is disabled: nothing can be sent through it.";
    case undefined:
      return 'A message can be sent.';
    default:
      return 'Nothing can be sent to the customer now.';
  }
}
