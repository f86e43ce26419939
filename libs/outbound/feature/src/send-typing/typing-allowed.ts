import {
  decideReply,
  replyWindowState,
  type CustomerFacts,
  type ReplyPolicyName,
  type WindowCounters,
} from '@wechat-desk/shared/reply-policy';

/** WeChat shows typing only within 30 s of the customer's last interaction (protocol.md §6.3). */
export const TYPING_INTERACTION_WINDOW_MS = 30_000;
/** The indicator lasts 15 s: a request older than that has nothing left to show. */
export const TYPING_REQUEST_MAX_AGE_MS = 15_000;

export type TypingVerdict = 'send' | 'stale' | 'no-recent-interaction' | 'window-not-free';

/** Whether custom/typing may be called: only when a free custom message could be sent anyway. */
export function typingVerdict(input: {
  policy: ReplyPolicyName;
  timeZone: string;
  now: Date;
  requestedAt: Date;
  lastInteractionAt: Date | null;
  customer: CustomerFacts;
  counters: WindowCounters;
}): TypingVerdict {
  const now = input.now.getTime();
  if (now - input.requestedAt.getTime() > TYPING_REQUEST_MAX_AGE_MS) {
    return 'stale';
  }
  if (
    input.lastInteractionAt === null ||
    now - input.lastInteractionAt.getTime() > TYPING_INTERACTION_WINDOW_MS
  ) {
    return 'no-recent-interaction';
  }
  const decision = decideReply(replyWindowState(input));
  return decision.kind === 'free' ? 'send' : 'window-not-free';
}
