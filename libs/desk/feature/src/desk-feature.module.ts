import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';

import { DeskDataAccessModule } from '@wechat-desk/desk/data-access';
import { BlobStoreModule } from '@wechat-desk/shared/blob-store';

import { AgentsController } from './agents/agents.controller';
import { CreateAgent } from './agents/create-agent/create-agent';
import { GetAgent } from './agents/get-agent/get-agent';
import { ListAgents } from './agents/list-agents/list-agents';
import { UpdateAgent } from './agents/update-agent/update-agent';
import { AgentChannels } from './associations/agent-channels';
import { AttachmentsController } from './attachments/attachments.controller';
import { GetAttachment } from './attachments/get-attachment/get-attachment';
import { AssociationsController } from './associations/associations.controller';
import { AuditLog } from './audit/audit-log';
import { AuditLogController } from './audit/audit-log.controller';
import { ListAuditLog } from './audit/list-audit-log';
import { AuthController } from './auth/auth.controller';
import { Authenticate } from './auth/authenticate/authenticate';
import { BootstrapAdmin } from './auth/bootstrap-admin/bootstrap-admin';
import { Login } from './auth/login/login';
import { ChannelsController } from './channels/channels.controller';
import { CreateChannel } from './channels/create-channel/create-channel';
import { GetChannels } from './channels/get-channels/get-channels';
import { UpdateChannel } from './channels/update-channel/update-channel';
import {
  CheckWechatCredentials,
  wechatHttpProvider,
} from './channels/credentials/check-wechat-credentials';
import { AuthGuard } from './common/auth/auth.guard';
import { ErrorResponseFilter } from './common/error-response.filter';
import { RequestValidationPipe } from './common/validation';
import { documentLinksProvider } from './files/document-links.provider';
import { FilesController } from './files/files.controller';
import { GetDocumentFile } from './files/get-document-file/get-document-file';
import { CreateDepartment } from './departments/create-department/create-department';
import { DepartmentsController } from './departments/departments.controller';
import { ListDepartments } from './departments/list-departments/list-departments';
import { UpdateDepartment } from './departments/update-department/update-department';
import { TicketAssigner } from './tickets/assignment/ticket-assigner';
import { ConversationEventsController } from './tickets/conversation-events.controller';
import { GetTicket } from './tickets/get-ticket/get-ticket';
import { ListTicketMessages } from './tickets/list-ticket-messages/list-ticket-messages';
import { ListTickets } from './tickets/list-tickets/list-tickets';
import { ProjectAttachment } from './tickets/project-attachment/project-attachment';
import { ProjectContact } from './tickets/project-contact/project-contact';
import { ProjectReplyOutcome } from './tickets/project-reply-outcome/project-reply-outcome';
import { ProjectTicketCreated } from './tickets/project-ticket-created/project-ticket-created';
import { ProjectTicketMessage } from './tickets/project-ticket-message/project-ticket-message';
import { ProjectTicketStatus } from './tickets/project-ticket-status/project-ticket-status';
import { ProjectReplyWindow } from './tickets/project-reply-window/project-reply-window';
import { GetReplyWindow } from './tickets/reply-window/get-reply-window';
import { ReplyWindows } from './tickets/reply-window/reply-windows';
import { SendReply } from './tickets/send-reply/send-reply';
import { SendTyping } from './tickets/send-typing/send-typing';
import { TicketEventsController } from './tickets/ticket-events.controller';
import { TicketsController } from './tickets/tickets.controller';
import { UpdateTicket } from './tickets/update-ticket/update-ticket';
import { LiveEventHub } from './stream/live-event-hub';
import { LiveEventRetention } from './stream/live-event-retention';
import { liveStreamSettingsProvider } from './stream/live-stream-settings';
import { StreamController } from './stream/stream.controller';
import { StreamMetrics } from './stream/stream-metrics';
import { TicketSettings } from './ticket-settings/ticket-settings';
import { TicketSettingsController } from './ticket-settings/ticket-settings.controller';

/**
 * desk-api's routes and message handlers. Needs ConfigModule, ObservabilityModule,
 * PersistenceModule (desk schema) and MessagingModule in the app. The guard, filter and pipe are
 * global, so a new controller is authenticated, validated and answers errors alike by default.
 */
@Module({
  imports: [DeskDataAccessModule, BlobStoreModule],
  controllers: [
    AuthController,
    DepartmentsController,
    AgentsController,
    AssociationsController,
    AuditLogController,
    ChannelsController,
    TicketsController,
    TicketEventsController,
    ConversationEventsController,
    AttachmentsController,
    FilesController,
    TicketSettingsController,
    StreamController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorResponseFilter },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    Authenticate,
    TicketSettings,
    Login,
    BootstrapAdmin,
    CreateDepartment,
    ListDepartments,
    CreateAgent,
    ListAgents,
    GetAgent,
    UpdateAgent,
    UpdateDepartment,
    AgentChannels,
    AuditLog,
    ListAuditLog,
    CreateChannel,
    GetChannels,
    UpdateChannel,
    CheckWechatCredentials,
    wechatHttpProvider,
    ListTickets,
    GetTicket,
    ListTicketMessages,
    SendReply,
    ReplyWindows,
    GetReplyWindow,
    SendTyping,
    ProjectReplyWindow,
    ProjectTicketCreated,
    ProjectTicketMessage,
    ProjectReplyOutcome,
    ProjectTicketStatus,
    ProjectAttachment,
    ProjectContact,
    TicketAssigner,
    UpdateTicket,
    GetAttachment,
    documentLinksProvider,
    GetDocumentFile,
    liveStreamSettingsProvider,
    StreamMetrics,
    LiveEventHub,
    LiveEventRetention,
  ],
})
export class DeskFeatureModule {}
