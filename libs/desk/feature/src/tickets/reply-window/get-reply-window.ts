import { Inject, Injectable } from '@nestjs/common';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { GetTicket } from '../get-ticket/get-ticket';
import type { TicketReplyWindow } from './reply-window.view';
import { ReplyWindows } from './reply-windows';

@Injectable()
export class GetReplyWindow {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
  ) {}

  async execute(agent: AuthenticatedAgent, ticketId: string): Promise<TicketReplyWindow> {
    return this.windows.ofTicket(await this.getTicket.visibleTicket(agent, ticketId));
  }
}
