import { Inject, Injectable } from '@nestjs/common';

import {
  ReplyWindowRepository,
  type ReplyWindowFacts,
  type TicketView as TicketRecord,
} from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';

import { ticketReplyWindow, type TicketReplyWindow } from './reply-window.view';

const customerOf = (ticket: TicketRecord) => ({
  contactId: ticket.contactId,
  channelId: ticket.channelId,
  openId: ticket.openId,
});

/** The reply window of tickets, as the next send will see it. */
@Injectable()
export class ReplyWindows {
  constructor(
    @Inject(ReplyWindowRepository) private readonly windows: ReplyWindowRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get timeZone(): string {
    return this.config.REPLY_QUOTA_TIME_ZONE;
  }

  async ofTicket(ticket: TicketRecord, now = new Date()): Promise<TicketReplyWindow> {
    return (await this.withFacts(ticket, now)).window;
  }

  /** The window and the facts it was decided from (a reply carries them to outbound). */
  async withFacts(
    ticket: TicketRecord,
    now = new Date(),
  ): Promise<{ window: TicketReplyWindow; facts: ReplyWindowFacts | undefined }> {
    const facts = (await this.windows.factsOf([customerOf(ticket)])).get(ticket.contactId);
    return { window: ticketReplyWindow(facts, this.timeZone, now), facts };
  }

  /** One query for a whole page. */
  async ofTickets(
    tickets: readonly TicketRecord[],
    now = new Date(),
  ): Promise<Map<string, TicketReplyWindow>> {
    const facts = await this.windows.factsOf(tickets.map(customerOf));
    return new Map(
      tickets.map((ticket) => [
        ticket.id,
        ticketReplyWindow(facts.get(ticket.contactId), this.timeZone, now),
      ]),
    );
  }
}
