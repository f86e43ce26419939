import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { CurrentAgent } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAuthenticated, ApiDeskErrors } from '../openapi/api-errors';
import { GetTicket } from './get-ticket/get-ticket';
import { ListTicketMessages } from './list-ticket-messages/list-ticket-messages';
import { ListTickets, type TicketPageView } from './list-tickets/list-tickets';
import { ListTicketsQuery } from './list-tickets/list-tickets.query';
import { MessageListDoc, type MessageView } from './message.view';
import { SendReply, type QueuedReply } from './send-reply/send-reply';
import { readReplyForm } from './send-reply/reply-form';
import { QueuedReplyDoc, SendReplyDto, SendReplyFormDoc } from './send-reply/send-reply.dto';
import { GetReplyWindow } from './reply-window/get-reply-window';
import { SendTyping, type TypingSignal } from './send-typing/send-typing';
import { SendTypingDto, TypingSignalDoc } from './send-typing/send-typing.dto';
import type { TicketReplyWindow } from './reply-window/reply-window.view';
import { ReplyWindowDoc, TicketDoc, TicketPageDoc, type TicketView } from './ticket.view';
import { UpdateTicket } from './update-ticket/update-ticket';
import { UpdateTicketDto } from './update-ticket/update-ticket.dto';

const ticketId = new UuidParamPipe('Ticket');

@Controller('tickets')
@ApiAuthenticated()
export class TicketsController {
  constructor(
    @Inject(ListTickets) private readonly listTickets: ListTickets,
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ListTicketMessages) private readonly listMessages: ListTicketMessages,
    @Inject(SendReply) private readonly sendReply: SendReply,
    @Inject(GetReplyWindow) private readonly getReplyWindow: GetReplyWindow,
    @Inject(SendTyping) private readonly sendTyping: SendTyping,
    @Inject(UpdateTicket) private readonly updateTicket: UpdateTicket,
  ) {}

  @Get()
  @ApiOkResponse({ type: TicketPageDoc })
  @ApiDeskErrors(422)
  list(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Query() query: ListTicketsQuery,
  ): Promise<TicketPageView> {
    return this.listTickets.execute(agent, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: TicketDoc })
  @ApiDeskErrors([404, "NOT_FOUND: no such ticket, or outside the caller's scope"])
  get(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
  ): Promise<TicketView> {
    return this.getTicket.execute(agent, id);
  }

  /** `{status?, assigneeId?}`: at least one; the status is shown at once and confirmed by ticketing. */
  @Patch(':id')
  @ApiOkResponse({ type: TicketDoc })
  @ApiDeskErrors(
    [404, "NOT_FOUND: no such ticket, or outside the caller's scope"],
    [
      422,
      'VALIDATION_FAILED (details.fields), or ASSIGNEE_NOT_ELIGIBLE: the assignee is not an ' +
        "active agent associated with the ticket's channel in its department",
    ],
  )
  update(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
    @Body() body: UpdateTicketDto,
  ): Promise<TicketView> {
    return this.updateTicket.execute(agent, id, body);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: MessageListDoc })
  @ApiDeskErrors([404, "NOT_FOUND: no such ticket, or outside the caller's scope"])
  messages(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
  ): Promise<{ items: MessageView[] }> {
    return this.listMessages.execute(agent, id);
  }

  /** JSON `{type: "text", text}`, or multipart/form-data with a `file` (and `text` for a document). */
  @Post(':id/messages')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiExtraModels(SendReplyDto, SendReplyFormDoc)
  @ApiOperation({
    requestBody: {
      required: true,
      description: 'JSON for text; multipart/form-data for a file',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(SendReplyDto) } },
        'multipart/form-data': { schema: { $ref: getSchemaPath(SendReplyFormDoc) } },
      },
    },
  })
  @ApiAcceptedResponse({ type: QueuedReplyDoc, description: 'Queued for sending' })
  @ApiDeskErrors(
    [404, "NOT_FOUND: no such ticket, or outside the caller's scope"],
    [
      409,
      'REPLY_WINDOW_CLOSED, MONTHLY_QUOTA_EXHAUSTED or CHANNEL_DISABLED: nothing can be sent now (details: the reply window)',
    ],
    [413, "FILE_TOO_LARGE: over its kind's limit (details: kind, size, maxBytes)"],
    [
      415,
      'UNSUPPORTED_FILE_TYPE: not a type WeChat or a document link can carry (details: accepted)',
    ],
    [
      422,
      'VALIDATION_FAILED (details.fields): no text, an empty file, text with media, a wrong type',
    ],
  )
  async reply(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
    @Req() request: FastifyRequest,
  ): Promise<QueuedReply> {
    return this.sendReply.execute(agent, id, await readReplyForm(request));
  }

  @Post(':id/typing')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: TypingSignalDoc,
    description: "Asked WeChat to show (or stop) 'typing'",
  })
  @ApiDeskErrors(
    [404, "NOT_FOUND: no such ticket, or outside the caller's scope"],
    [409, 'REPLY_WINDOW_CLOSED or CHANNEL_DISABLED: WeChat would not show it'],
    422,
  )
  typing(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
    @Body() body: SendTypingDto,
  ): Promise<TypingSignal> {
    return this.sendTyping.execute(agent, id, body.typing);
  }

  @Get(':id/reply-window')
  @ApiOkResponse({ type: ReplyWindowDoc })
  @ApiDeskErrors([404, "NOT_FOUND: no such ticket, or outside the caller's scope"])
  replyWindow(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', ticketId) id: string,
  ): Promise<TicketReplyWindow> {
    return this.getReplyWindow.execute(agent, id);
  }
}
