import { Inject, Injectable } from '@nestjs/common';

import { MessageViewRepository } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { GetTicket } from '../get-ticket/get-ticket';
import { presentMessage, type MessageView } from '../message.view';

@Injectable()
export class ListTicketMessages {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
  ) {}

  async execute(agent: AuthenticatedAgent, ticketId: string): Promise<{ items: MessageView[] }> {
    const ticket = await this.getTicket.visibleTicket(agent, ticketId);
    const messages = await this.messages.listByTicket(ticket.id);
    return { items: messages.map(presentMessage) };
  }
}
