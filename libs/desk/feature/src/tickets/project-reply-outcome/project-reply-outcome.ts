import { Inject, Injectable, Logger } from '@nestjs/common';

import type { OutboundReplyFailedV1, OutboundReplySentV1 } from '@wechat-desk/contracts';
import { MessageViewRepository } from '@wechat-desk/desk/data-access';

/** Delivery status of agents' replies, as outbound reports it. */
@Injectable()
export class ProjectReplyOutcome {
  private readonly logger = new Logger(ProjectReplyOutcome.name);

  constructor(@Inject(MessageViewRepository) private readonly messages: MessageViewRepository) {}

  async sent(event: OutboundReplySentV1): Promise<void> {
    if (!(await this.messages.markSent(event.replyId))) {
      this.logger.warn(`Reply ${event.replyId} reported sent is not a reply of this desk; ignored`);
    }
  }

  async failed(event: OutboundReplyFailedV1): Promise<void> {
    if (!(await this.messages.markFailed(event.replyId, event.code, event.message))) {
      // Either unknown or already confirmed sent (a success is final).
      this.logger.warn(
        `Failure of reply ${event.replyId} (${event.code}) changed nothing; ignored`,
      );
    }
  }
}
