import { Inject, Injectable } from '@nestjs/common';

import type { TicketCreatedV1 } from '@wechat-desk/contracts';
import { TicketViewRepository } from '@wechat-desk/desk/data-access';

@Injectable()
export class ProjectTicketCreated {
  constructor(@Inject(TicketViewRepository) private readonly tickets: TicketViewRepository) {}

  /** Idempotent: a redelivery finds the row and changes nothing. */
  async execute(event: TicketCreatedV1): Promise<void> {
    const createdAt = new Date(event.createdAt);
    await this.tickets.insertIfAbsent({
      id: event.ticketId,
      number: event.number,
      status: event.status,
      channelId: event.channelId,
      departmentId: event.departmentId,
      contactId: event.contactId,
      openId: event.openId,
      assigneeId: null,
      createdAt,
      lastMessageAt: createdAt,
    });
  }
}
