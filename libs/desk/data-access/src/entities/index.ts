import { AgentDepartmentEntity } from './agent-department.entity';
import { AgentEntity } from './agent.entity';
import { ChannelEntity } from './channel.entity';
import { DepartmentEntity } from './department.entity';
import { MessageViewEntity } from './message-view.entity';
import { SessionEntity } from './session.entity';
import { TicketViewEntity } from './ticket-view.entity';

export { AgentDepartmentEntity } from './agent-department.entity';
export { AGENT_ROLES, AgentEntity, type AgentRole } from './agent.entity';
export { ChannelEntity } from './channel.entity';
export { ASSIGNMENT_MODES, DepartmentEntity, type AssignmentMode } from './department.entity';
export { DELIVERY_STATUSES, MessageViewEntity, type DeliveryStatus } from './message-view.entity';
export { SessionEntity } from './session.entity';
export { TicketViewEntity } from './ticket-view.entity';

/** Every entity of the desk schema, for PersistenceModule.forService. */
export const deskEntities = [
  DepartmentEntity,
  AgentEntity,
  AgentDepartmentEntity,
  SessionEntity,
  ChannelEntity,
  TicketViewEntity,
  MessageViewEntity,
];
