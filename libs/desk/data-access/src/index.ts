export { DeskDataAccessModule } from './desk-data-access.module';
export {
  AGENT_ROLES,
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
  type DeliveryStatus,
} from './entities';
export { ForeignKeyViolationError, UniqueViolationError } from './errors';
export { deskMigrations } from './migrations';
export {
  AGENT_EMAIL_UNIQUE,
  AgentRepository,
  type AgentCredentials,
  type AgentRecord,
  type BootstrapAdminOutcome,
  type NewAgent,
} from './repositories/agent.repository';
export {
  CHANNEL_APP_ID_UNIQUE,
  CHANNEL_DEPARTMENT_FK,
  ChannelRepository,
  type ChannelIcon,
  type ChannelRecord,
  type NewChannel,
} from './repositories/channel.repository';
export {
  DEPARTMENT_NAME_UNIQUE,
  DepartmentRepository,
  type NewDepartment,
} from './repositories/department.repository';
export {
  MessageViewRepository,
  type MessageView,
  type OutboundMessage,
  type RecordMessageOutcome,
  type TicketMessage,
} from './repositories/message-view.repository';
export { SessionRepository, type NewSession } from './repositories/session.repository';
export type { TicketScope } from './repositories/ticket-scope';
export {
  TicketViewRepository,
  type TicketListQuery,
  type TicketPage,
  type TicketPosition,
  type TicketView,
} from './repositories/ticket-view.repository';
