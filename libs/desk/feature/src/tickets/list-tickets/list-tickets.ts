import { Inject, Injectable } from '@nestjs/common';

import { TicketViewRepository } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskErrors } from '../../common/desk-error';
import { ReplyWindows } from '../reply-window/reply-windows';
import { ticketScopeFor } from '../ticket-scope';
import { presentTicket, type TicketView } from '../ticket.view';
import { DEFAULT_TICKET_PAGE_SIZE, type ListTicketsQuery } from './list-tickets.query';
import { decodeTicketCursor, encodeTicketCursor } from './ticket-cursor';

export interface TicketPageView {
  items: TicketView[];
  nextCursor: string | null;
}

@Injectable()
export class ListTickets {
  constructor(
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
  ) {}

  async execute(agent: AuthenticatedAgent, query: ListTicketsQuery): Promise<TicketPageView> {
    const after = query.cursor === undefined ? undefined : decodeTicketCursor(query.cursor);
    if (after === null) {
      throw DeskErrors.validationFailed({ cursor: ['cursor is not one this API issued'] });
    }
    const page = await this.tickets.list({
      scope: ticketScopeFor(agent),
      status: query.status,
      channelId: query.channelId,
      departmentId: query.departmentId,
      after,
      limit: query.limit ?? DEFAULT_TICKET_PAGE_SIZE,
    });
    const windows = await this.windows.ofTickets(page.items);
    return {
      items: page.items.map((ticket) => presentTicket(ticket, windows.get(ticket.id) ?? null)),
      nextCursor: page.next === null ? null : encodeTicketCursor(page.next),
    };
  }
}
