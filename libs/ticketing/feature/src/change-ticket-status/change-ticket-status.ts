import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type TicketStatusCause,
  type TicketStatusChangedV1,
  type TicketStatus,
  type TicketStatusChangeRequestedV1,
} from '@wechat-desk/contracts';
import { NonRetryableError } from '@wechat-desk/shared/messaging';
import { assertNever } from '@wechat-desk/shared/util';
import {
  TicketRepository,
  type StatusVersion,
  type TicketState,
} from '@wechat-desk/ticketing/data-access';

/** What a request does to the ticket; null when it is already in the requested status. */
type StatusAction = 'close' | 'reopen' | 'refuse-close' | null;

/**
 * An agent closes or reopens a ticket. Under the customer's lock (the one message attachment
 * takes), so a close and a customer message never interleave: a close is refused when the
 * customer wrote after the latest message the agent's view held, and the refusal is announced as
 * a new version of the open status, since the desk showed the close optimistically.
 */
@Injectable()
export class ChangeTicketStatus {
  constructor(@Inject(TicketRepository) private readonly tickets: TicketRepository) {}

  async execute(request: TicketStatusChangeRequestedV1, cause: EventEnvelope): Promise<void> {
    const context = { correlationId: cause.correlationId, causationId: cause.id };
    await this.tickets.transaction(async (manager) => {
      const contactId = await this.tickets.findContactOf(manager, request.ticketId);
      if (contactId === null) {
        // Tickets are ticketing's own: an unknown id is a wrong request, retrying cannot help.
        throw new NonRetryableError(`ticket ${request.ticketId} does not exist`);
      }
      await this.tickets.lockContact(manager, contactId);
      // The envelope id is stable across redeliveries: a handled request changes nothing twice,
      // even after the ticket's status moved on (e.g. a redelivered refused close).
      if (!(await this.tickets.markRequestHandled(manager, cause.id, request.ticketId))) {
        return;
      }
      const ticket = await this.tickets.findState(manager, request.ticketId);
      // Found above and never deleted; checked again only because the read can say null.
      if (ticket === null) {
        throw new NonRetryableError(`ticket ${request.ticketId} does not exist`);
      }
      const action = this.decide(request, ticket);
      if (action === null) {
        return;
      }
      const changedAt = new Date();
      const { changed, status, statusCause } = await this.apply(manager, ticket, action, changedAt);
      await this.tickets.enqueue(manager, [
        createEnvelope(
          RoutingKeys.ticketStatusChanged,
          {
            ticketId: ticket.ticketId,
            channelId: changed.channelId,
            departmentId: changed.departmentId,
            status,
            version: changed.version,
            cause: statusCause,
            agentId: request.agentId,
            changedAt: changedAt.toISOString(),
          } satisfies TicketStatusChangedV1,
          context,
        ),
      ]);
    });
  }

  private decide(request: TicketStatusChangeRequestedV1, ticket: TicketState): StatusAction {
    if (request.status === ticket.status) {
      return null;
    }
    switch (request.status) {
      case 'closed': {
        // Without seenCustomerMessageAt the requester claims no view of the chat (an API
        // client, not the desk): nothing to compare, the close stands.
        if (request.seenCustomerMessageAt === undefined) {
          return 'close';
        }
        const seenAt = new Date(request.seenCustomerMessageAt).getTime();
        return ticket.lastCustomerMessageAt.getTime() > seenAt ? 'refuse-close' : 'close';
      }
      case 'open':
        return 'reopen';
      default:
        return assertNever(request.status);
    }
  }

  private async apply(
    manager: EntityManager,
    ticket: TicketState,
    action: NonNullable<StatusAction>,
    changedAt: Date,
  ): Promise<{ changed: StatusVersion; status: TicketStatus; statusCause: TicketStatusCause }> {
    switch (action) {
      case 'close':
        return {
          changed: await this.tickets.close(manager, ticket.ticketId, changedAt),
          status: 'closed',
          statusCause: 'agent',
        };
      case 'reopen':
        return {
          changed: await this.tickets.reopen(manager, ticket.ticketId),
          status: 'open',
          statusCause: 'agent',
        };
      case 'refuse-close':
        // The ticket stays open; a new version of that status makes the desk drop its
        // optimistic "closed".
        return {
          changed: await this.tickets.bumpVersion(manager, ticket.ticketId),
          status: 'open',
          statusCause: 'refused-close',
        };
      default:
        return assertNever(action);
    }
  }
}
