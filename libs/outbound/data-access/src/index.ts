export { type CustomerWindowSnapshot } from './customer-window.row';
export { outboundMigrations } from './migrations';
export {
  ReplySendRepository,
  type OutcomeEvents,
  type PreparedReply,
  type PrepareRules,
  type RefusalRecord,
  type ReplySendOutcome,
  type ReplySendStatus,
  type ReplyToPrepare,
  type TakenSlot,
} from './reply-send.repository';
export { ChannelTagRepository } from './channel-tag.repository';
