export { outboundMigrations } from './migrations';
export {
  ReplySendRepository,
  type ReplySendClaim,
  type ReplySendOutcome,
  type ReplySendStatus,
} from './reply-send.repository';
