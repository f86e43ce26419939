export { DeskDataAccessModule } from './desk-data-access.module';
export {
  AGENT_ROLES,
  ASSIGNMENT_MODES,
  AgentDepartmentEntity,
  AgentEntity,
  ChannelEntity,
  DELIVERY_STATUSES,
  DepartmentEntity,
  deskEntities,
  MessageViewEntity,
  SessionEntity,
  TicketViewEntity,
  type AgentRole,
  type AssignmentMode,
  type DeliveryStatus,
} from './entities';
export { ForeignKeyViolationError, UniqueViolationError } from './errors';
export { deskMigrations } from './migrations';
export {
  AGENT_EMAIL_UNIQUE,
  AgentRepository,
  type AgentCredentials,
  type AgentPatch,
  type AgentRecord,
  type AgentUpdateOutcome,
  type BootstrapAdminOutcome,
  type NewAgent,
} from './repositories/agent.repository';
export {
  AgentScopeRepository,
  type LiveSession,
  type ScopePair,
} from './repositories/agent-scope.repository';
export {
  CHANNEL_APP_ID_UNIQUE,
  CHANNEL_DEPARTMENT_FK,
  ChannelRepository,
  type ChannelChange,
  type ChannelIcon,
  type ChannelRecord,
  type ChannelUpdate,
  type NewChannel,
} from './repositories/channel.repository';
export {
  DEPARTMENT_NAME_UNIQUE,
  DepartmentRepository,
  type DepartmentPatch,
  type NewDepartment,
} from './repositories/department.repository';
export {
  AGENT_CHANNEL_MEMBERSHIP_FK,
  AssociationRepository,
} from './repositories/association.repository';
export {
  AssignmentRepository,
  type AssignmentCandidate,
} from './repositories/assignment.repository';
export {
  AttachmentViewRepository,
  type AttachmentStatus,
  type AttachmentView,
  type FailedAttachment,
  type ReplyFileAttachment,
  type ServableAttachment,
  type StoredAttachment,
} from './repositories/attachment-view.repository';
export { ContactViewRepository, type ContactState } from './repositories/contact-view.repository';
export {
  ReplyWindowRepository,
  type CustomerRef,
  type ReplyWindowCounters,
  type ReplyWindowFacts,
} from './repositories/reply-window.repository';
export {
  TYPING_INDICATOR_SECONDS,
  TypingIndicatorRepository,
} from './repositories/typing-indicator.repository';
export {
  AuditLogRepository,
  type AuditEntry,
  type AuditPage,
  type NewAuditEntry,
} from './repositories/audit-log.repository';
export {
  LIVE_EVENT_TYPES,
  LIVE_EVENTS_NOTIFY_CHANNEL,
  LiveEventRepository,
  type LiveEvent,
  type LiveEventType,
  type NewLiveEvent,
} from './repositories/live-event.repository';
export { LoginFailureRepository } from './repositories/login-failure.repository';
export type { Change, TransactionHook } from './repositories/transaction-hook';
export {
  MessageViewRepository,
  type DeliveryOutcome,
  type MessageView,
  type OutboundMessage,
  type TicketMessage,
} from './repositories/message-view.repository';
export { DeskTransactions } from './repositories/transactions';
export { SessionRepository, type NewSession } from './repositories/session.repository';
export type { TicketScope } from './repositories/ticket-scope';
export {
  TicketViewRepository,
  type TicketListQuery,
  type TicketPage,
  type TicketPosition,
  type TicketView,
} from './repositories/ticket-view.repository';
export {
  TicketSettingsRepository,
  type TicketSettingsRecord,
} from './repositories/ticket-settings.repository';
