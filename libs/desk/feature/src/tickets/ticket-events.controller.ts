import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import {
  OutboundReplyFailedV1,
  OutboundReplySentV1,
  OutboundReplyWindowUpdatedV1,
  RoutingKeys,
  TicketCreatedV1,
  TicketMessageAddedV1,
  TicketStatusChangedV1,
} from '@wechat-desk/contracts';

import { ProjectReplyOutcome } from './project-reply-outcome/project-reply-outcome';
import { ProjectReplyWindow } from './project-reply-window/project-reply-window';
import { ProjectTicketCreated } from './project-ticket-created/project-ticket-created';
import { ProjectTicketMessage } from './project-ticket-message/project-ticket-message';
import { ProjectTicketStatus } from './project-ticket-status/project-ticket-status';

/** Keeps desk's read models of tickets and messages up to date (SUBSCRIPTIONS['desk-api']). */
@Controller()
export class TicketEventsController {
  constructor(
    @Inject(ProjectTicketCreated) private readonly ticketCreated: ProjectTicketCreated,
    @Inject(ProjectTicketMessage) private readonly ticketMessage: ProjectTicketMessage,
    @Inject(ProjectTicketStatus) private readonly ticketStatus: ProjectTicketStatus,
    @Inject(ProjectReplyOutcome) private readonly replyOutcome: ProjectReplyOutcome,
    @Inject(ProjectReplyWindow) private readonly replyWindow: ProjectReplyWindow,
  ) {}

  @EventPattern(RoutingKeys.ticketCreated)
  onTicketCreated(@Payload() event: TicketCreatedV1): Promise<void> {
    return this.ticketCreated.execute(event);
  }

  @EventPattern(RoutingKeys.ticketMessageAdded)
  onTicketMessageAdded(@Payload() event: TicketMessageAddedV1): Promise<void> {
    return this.ticketMessage.execute(event);
  }

  @EventPattern(RoutingKeys.ticketStatusChanged)
  onTicketStatusChanged(@Payload() event: TicketStatusChangedV1): Promise<void> {
    return this.ticketStatus.execute(event);
  }

  @EventPattern(RoutingKeys.outboundReplySent)
  onReplySent(@Payload() event: OutboundReplySentV1): Promise<void> {
    return this.replyOutcome.sent(event);
  }

  @EventPattern(RoutingKeys.outboundReplyFailed)
  onReplyFailed(@Payload() event: OutboundReplyFailedV1): Promise<void> {
    return this.replyOutcome.failed(event);
  }

  @EventPattern(RoutingKeys.outboundReplyWindowUpdated)
  onReplyWindowUpdated(@Payload() event: OutboundReplyWindowUpdatedV1): Promise<void> {
    return this.replyWindow.execute(event);
  }
}
