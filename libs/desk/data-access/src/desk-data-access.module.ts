import { Module } from '@nestjs/common';

import { AgentRepository } from './repositories/agent.repository';
import { AgentScopeRepository } from './repositories/agent-scope.repository';
import { AssignmentRepository } from './repositories/assignment.repository';
import { AssociationRepository } from './repositories/association.repository';
import { AttachmentViewRepository } from './repositories/attachment-view.repository';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { ChannelRepository } from './repositories/channel.repository';
import { ContactViewRepository } from './repositories/contact-view.repository';
import { ReplyWindowRepository } from './repositories/reply-window.repository';
import { TypingIndicatorRepository } from './repositories/typing-indicator.repository';
import { DepartmentRepository } from './repositories/department.repository';
import { LiveEventRepository } from './repositories/live-event.repository';
import { LoginFailureRepository } from './repositories/login-failure.repository';
import { MessageViewRepository } from './repositories/message-view.repository';
import { SessionRepository } from './repositories/session.repository';
import { TicketSettingsRepository } from './repositories/ticket-settings.repository';
import { TicketViewRepository } from './repositories/ticket-view.repository';
import { DeskTransactions } from './repositories/transactions';

const repositories = [
  AgentRepository,
  AgentScopeRepository,
  AssignmentRepository,
  AssociationRepository,
  AttachmentViewRepository,
  AuditLogRepository,
  ContactViewRepository,
  ReplyWindowRepository,
  TypingIndicatorRepository,
  DeskTransactions,
  LiveEventRepository,
  LoginFailureRepository,
  ChannelRepository,
  DepartmentRepository,
  MessageViewRepository,
  SessionRepository,
  TicketViewRepository,
  TicketSettingsRepository,
];

/** The repositories of the desk schema; needs PersistenceModule (the DataSource) in the app. */
@Module({ providers: repositories, exports: repositories })
export class DeskDataAccessModule {}
