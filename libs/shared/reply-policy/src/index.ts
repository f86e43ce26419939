export { DEFAULT_QUOTA_TIME_ZONE, isValidTimeZone, monthKey } from './month-key';
export {
  decideReply,
  DEFAULT_REPLY_POLICY,
  REPLY_POLICY_NAMES,
  replyPolicyRules,
  replyRefusalCode,
  type ClosedReplyDecision,
  type FreeReplyDecision,
  type QuotaReplyDecision,
  type ReplyClosedReason,
  type ReplyDecision,
  type ReplyPolicyName,
  type ReplyPolicyRules,
  type ReplyRefusalCode,
  type ReplyWindowState,
  type SendWindowKind,
  type SendWindowRule,
} from './reply-policy';
export { replyWindowView, type ReplyWindowView } from './reply-window-view';
export {
  laterOf,
  NO_SENDS_YET,
  replyWindowState,
  type CustomerFacts,
  type WindowCounters,
} from './window-counters';
