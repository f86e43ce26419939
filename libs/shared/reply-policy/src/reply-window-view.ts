import { assertNever } from '@wechat-desk/shared/util';

import {
  decideReply,
  replyPolicyRules,
  type ReplyPolicyName,
  type ReplyWindowState,
} from './reply-policy';

/** GET /tickets/:id/reply-window. */
export interface ReplyWindowView {
  policy: ReplyPolicyName;
  mode: 'free' | 'quota' | 'closed';
  /** ISO 8601, while free; else null. */
  freeUntil: string | null;
  monthly: { limit: number; used: number; remaining: number };
}

/** The reply window as the desk shows it, from the same decision the outbound worker makes. */
export function replyWindowView(state: ReplyWindowState): ReplyWindowView {
  const decision = decideReply(state);
  const limit = replyPolicyRules(state.policy).monthlyLimit;
  const monthly = {
    limit,
    used: state.monthlyUsed,
    remaining: Math.max(0, limit - state.monthlyUsed),
  };
  switch (decision.kind) {
    case 'free':
      return {
        policy: state.policy,
        mode: 'free',
        freeUntil: decision.freeUntil.toISOString(),
        monthly,
      };
    case 'quota':
    case 'closed':
      return { policy: state.policy, mode: decision.kind, freeUntil: null, monthly };
    default:
      return assertNever(decision, 'Unexpected reply decision');
  }
}
