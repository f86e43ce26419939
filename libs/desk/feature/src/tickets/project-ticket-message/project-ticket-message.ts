import { Inject, Injectable } from '@nestjs/common';

import type { TicketMessageAddedV1 } from '@wechat-desk/contracts';
import { MessageViewRepository } from '@wechat-desk/desk/data-access';

/** The ticket's creation has not been projected yet (events race); the transport retries later. */
export class TicketNotProjectedYetError extends Error {
  override name = 'TicketNotProjectedYetError';
}

@Injectable()
export class ProjectTicketMessage {
  constructor(@Inject(MessageViewRepository) private readonly messages: MessageViewRepository) {}

  async execute(event: TicketMessageAddedV1): Promise<void> {
    const outcome = await this.messages.recordTicketMessage({
      id: event.messageId,
      ticketId: event.ticketId,
      direction: event.direction,
      type: event.type,
      text: event.text ?? null,
      sentAt: new Date(event.sentAt),
    });
    if (outcome === 'ticket-missing') {
      throw new TicketNotProjectedYetError(`Ticket ${event.ticketId} is not projected yet`);
    }
  }
}
