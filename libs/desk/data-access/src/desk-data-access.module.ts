import { Module } from '@nestjs/common';

import { AgentRepository } from './repositories/agent.repository';
import { ChannelRepository } from './repositories/channel.repository';
import { DepartmentRepository } from './repositories/department.repository';
import { MessageViewRepository } from './repositories/message-view.repository';
import { SessionRepository } from './repositories/session.repository';
import { TicketViewRepository } from './repositories/ticket-view.repository';

const repositories = [
  AgentRepository,
  ChannelRepository,
  DepartmentRepository,
  MessageViewRepository,
  SessionRepository,
  TicketViewRepository,
];

/** The repositories of the desk schema; needs PersistenceModule (the DataSource) in the app. */
@Module({ providers: repositories, exports: repositories })
export class DeskDataAccessModule {}
