import { Inject, Injectable } from '@nestjs/common';

import { AttachmentViewRepository, MessageViewRepository } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { GetTicket } from '../get-ticket/get-ticket';
import { presentMessages, type MessageView } from '../message.view';

@Injectable()
export class ListTicketMessages {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
  ) {}

  async execute(agent: AuthenticatedAgent, ticketId: string): Promise<{ items: MessageView[] }> {
    const ticket = await this.getTicket.visibleTicket(agent, ticketId);
    const [messages, attachments] = await Promise.all([
      this.messages.listByTicket(ticket.id),
      this.attachments.listByTicket(ticket.id),
    ]);
    return { items: presentMessages(messages, attachments) };
  }
}
