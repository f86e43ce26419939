import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import {
  ConversationAttachmentFailedV1,
  ConversationAttachmentStoredV1,
  ConversationContactUpdatedV1,
  RoutingKeys,
} from '@wechat-desk/contracts';

import { ProjectAttachment } from './project-attachment/project-attachment';
import { ProjectContact } from './project-contact/project-contact';

/** Keeps desk's read models of attachments and contacts up to date (SUBSCRIPTIONS['desk-api']). */
@Controller()
export class ConversationEventsController {
  constructor(
    @Inject(ProjectAttachment) private readonly attachment: ProjectAttachment,
    @Inject(ProjectContact) private readonly contact: ProjectContact,
  ) {}

  @EventPattern(RoutingKeys.conversationAttachmentStored)
  onAttachmentStored(@Payload() event: ConversationAttachmentStoredV1): Promise<void> {
    return this.attachment.stored(event);
  }

  @EventPattern(RoutingKeys.conversationAttachmentFailed)
  onAttachmentFailed(@Payload() event: ConversationAttachmentFailedV1): Promise<void> {
    return this.attachment.failed(event);
  }

  @EventPattern(RoutingKeys.conversationContactUpdated)
  onContactUpdated(@Payload() event: ConversationContactUpdatedV1): Promise<void> {
    return this.contact.execute(event);
  }
}
