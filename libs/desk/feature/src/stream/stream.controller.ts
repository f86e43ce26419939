import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { CurrentAgent } from '../common/auth/auth.decorators';
import { AcceptsQueryToken, requestToken } from '../common/auth/auth.guard';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { hashSessionToken } from '../common/auth/session-token';
import { ApiAuthenticated } from '../openapi/api-errors';
import { LiveEventHub, type ResumePoint } from './live-event-hub';

const SEQ = /^\d{1,15}$/;

/** Last-Event-ID (what EventSource sends when it reconnects), else `?lastEventId=`. */
export function resumePoint(header: unknown, query: unknown): ResumePoint {
  const fromQuery =
    typeof query === 'object' && query !== null
      ? (query as Record<string, unknown>)['lastEventId']
      : undefined;
  const value = typeof header === 'string' ? header : fromQuery;
  if (value === undefined || value === '') {
    return { kind: 'latest' };
  }
  return typeof value === 'string' && SEQ.test(value.trim())
    ? { kind: 'after', seq: Number(value.trim()) }
    : { kind: 'unreadable' };
}

@Controller('stream')
@ApiAuthenticated()
export class StreamController {
  constructor(@Inject(LiveEventHub) private readonly hub: LiveEventHub) {}

  @Get()
  @AcceptsQueryToken()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      "Server-Sent Events for the caller's scope: `event` is ticket.created, ticket.updated, " +
      'message.added or message.updated, `data` the ticket or message as the API shows it with ' +
      'ticketId, channelId and departmentId; `id` is the resume point. `event: reset` means ' +
      'events were missed (resume point too old): refetch. Comment lines are heartbeats.',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event (EventSource sends it when it reconnects)',
  })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    description: 'Like Last-Event-ID, for clients that cannot set headers',
  })
  @ApiQuery({
    name: 'access_token',
    required: false,
    description: 'The bearer token, for EventSource (it cannot set headers); this route only',
  })
  async stream(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = requestToken(request, true);
    if (token === null) {
      throw new Error('The AuthGuard let a stream request through without a token');
    }
    const resume = resumePoint(request.headers['last-event-id'], request.query);
    // Read before answering, so a failure is still an ordinary error response.
    const scope = await this.hub.scopeFor(agent);
    // From here on the response is ours: Fastify neither sends nor times it out.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    request.raw.socket.setNoDelay(true);
    await this.hub.connect({
      response,
      tokenHash: hashSessionToken(token),
      agentId: agent.id,
      scope,
      resume,
    });
  }
}
