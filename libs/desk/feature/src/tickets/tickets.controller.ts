import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
} from '@nestjs/common';

import { CurrentAgent } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { GetTicket } from './get-ticket/get-ticket';
import { ListTicketMessages } from './list-ticket-messages/list-ticket-messages';
import { ListTickets, type TicketPageView } from './list-tickets/list-tickets';
import { ListTicketsQuery } from './list-tickets/list-tickets.query';
import type { MessageView } from './message.view';
import { SendReply, type QueuedReply } from './send-reply/send-reply';
import { SendReplyDto } from './send-reply/send-reply.dto';
import type { TicketView } from './ticket.view';

const ticketId = new UuidParamPipe('Ticket');

@Controller('tickets')
export class TicketsController {
  constructor(
    @Inject(ListTickets) private readonly listTickets: ListTickets,
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ListTicketMessages) private readonly listMessages: ListTicketMessages,
    @Inject(SendReply) private readonly sendReply: SendReply,
  ) {}

  @Get()
  list(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Query() query: ListTicketsQuery,
  ): Promise<TicketPageView> {
    return this.listTickets.execute(agent, query);
  }

  @Get(':id')
  get(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
  ): Promise<TicketView> {
    return this.getTicket.execute(agent, id);
  }

  @Get(':id/messages')
  messages(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
  ): Promise<{ items: MessageView[] }> {
    return this.listMessages.execute(agent, id);
  }

  @Post(':id/messages')
  @HttpCode(HttpStatus.ACCEPTED)
  reply(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
    @Body() body: SendReplyDto,
  ): Promise<QueuedReply> {
    return this.sendReply.execute(agent, id, body);
  }
}
