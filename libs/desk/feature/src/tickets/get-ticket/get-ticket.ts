import { Inject, Injectable } from '@nestjs/common';

import {
  TicketViewRepository,
  type TicketView as TicketRecord,
} from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskErrors } from '../../common/desk-error';
import { ReplyWindows } from '../reply-window/reply-windows';
import { ticketScopeFor } from '../ticket-scope';
import { presentTicket, type TicketView } from '../ticket.view';

@Injectable()
export class GetTicket {
  constructor(
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
  ) {}

  async execute(agent: AuthenticatedAgent, ticketId: string): Promise<TicketView> {
    const ticket = await this.visibleTicket(agent, ticketId);
    return presentTicket(ticket, await this.windows.ofTicket(ticket));
  }

  /** The ticket if the agent may see it; a ticket out of scope is as absent as an unknown one. */
  async visibleTicket(agent: AuthenticatedAgent, ticketId: string): Promise<TicketRecord> {
    const ticket = await this.tickets.findById(ticketId, ticketScopeFor(agent));
    if (ticket === null) {
      throw DeskErrors.notFound('Ticket', ticketId);
    }
    return ticket;
  }
}
