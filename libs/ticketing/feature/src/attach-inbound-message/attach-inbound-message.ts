import { Inject, Injectable } from '@nestjs/common';

import {
  createEnvelope,
  RoutingKeys,
  type ConversationMessageRecordedV1,
  type EventEnvelope,
  type TicketCreatedV1,
  type TicketStatusChangedV1,
} from '@wechat-desk/contracts';
import { CachedChannelDirectory, ChannelDirectory } from '@wechat-desk/shared/channel-directory';
import { TicketRepository, TimerSettingsRepository } from '@wechat-desk/ticketing/data-access';
import { assertNever } from '@wechat-desk/shared/util';
import { decideTicket, DEFAULT_CONVERSION_TIMER_MINUTES } from '@wechat-desk/ticketing/domain';

export class ChannelNotYetKnownError extends Error {
  override name = 'ChannelNotYetKnownError';
}

/**
 * Puts a customer's recorded message into a ticket, deciding with the conversion timer among the
 * customer's tickets around the message's CreateTime (so late messages land where they were
 * written), and reopens the ticket if the decision says so. The customer's row is locked for the
 * decision, so a burst handled by many workers yields one ticket. A message already attached (a
 * redelivery) changes nothing. The message that opens a ticket travels inside ticket.created.v1
 * (readers project both at once); any other one as ticket.message.added.v1.
 */
@Injectable()
export class AttachInboundMessage {
  constructor(
    @Inject(TicketRepository) private readonly tickets: TicketRepository,
    @Inject(ChannelDirectory) private readonly channels: ChannelDirectory,
    @Inject(CachedChannelDirectory)
    private readonly cachedChannels: Pick<CachedChannelDirectory, 'get'>,
    @Inject(TimerSettingsRepository) private readonly timers: TimerSettingsRepository,
  ) {}

  async execute(message: ConversationMessageRecordedV1, cause: EventEnvelope): Promise<void> {
    // The cache may trail the projection by a notification: ask the database before retrying.
    const channel =
      this.cachedChannels.get(message.channelId) ??
      (await this.channels.findSummary(message.channelId));
    if (channel === null) {
      // channel.updated.v1 travels on another queue and may not have arrived yet: retry later.
      throw new ChannelNotYetKnownError(`channel ${message.channelId} is not known yet`);
    }
    const timerMinutes =
      (await this.timers.findMinutes(channel.departmentId, message.channelId)) ??
      DEFAULT_CONVERSION_TIMER_MINUTES;
    const sentAt = new Date(message.sentAt);
    const context = { correlationId: cause.correlationId, causationId: cause.id };
    await this.tickets.transaction(async (manager) => {
      await this.tickets.lockContact(manager, message.contactId);
      if (await this.tickets.isMessageAttached(manager, message.messageId)) {
        return;
      }
      const around = await this.tickets.findTicketsAround(manager, message.contactId, sentAt);
      const decision = decideTicket(around, sentAt, timerMinutes);
      const events: EventEnvelope[] = [];
      let ticketId: string;
      switch (decision.kind) {
        case 'new': {
          const ticket = await this.tickets.createTicket(manager, {
            channelId: message.channelId,
            departmentId: channel.departmentId,
            contactId: message.contactId,
            openId: message.openId,
            firstMessageAt: sentAt,
          });
          ticketId = ticket.id;
          events.push(
            createEnvelope(
              RoutingKeys.ticketCreated,
              {
                ticketId,
                number: ticket.number,
                channelId: message.channelId,
                departmentId: channel.departmentId,
                contactId: message.contactId,
                openId: message.openId,
                status: 'open',
                createdAt: ticket.createdAt.toISOString(),
                firstMessageId: message.messageId,
                firstMessageType: message.type,
                ...(message.text === undefined ? {} : { firstMessageText: message.text }),
                firstMessageSentAt: message.sentAt,
              } satisfies TicketCreatedV1,
              context,
            ),
          );
          break;
        }
        case 'reopen': {
          ticketId = decision.ticketId;
          const reopened = await this.tickets.reopen(manager, ticketId);
          events.push(
            createEnvelope(
              RoutingKeys.ticketStatusChanged,
              {
                ticketId,
                channelId: reopened.channelId,
                departmentId: reopened.departmentId,
                status: 'open',
                version: reopened.version,
                cause: 'customer-message',
                changedAt: new Date().toISOString(),
              } satisfies TicketStatusChangedV1,
              context,
            ),
          );
          break;
        }
        case 'join':
          ticketId = decision.ticketId;
          break;
        default:
          return assertNever(decision);
      }
      await this.tickets.attachMessage(manager, ticketId, message.messageId, sentAt);
      if (decision.kind !== 'new') {
        // The message that opens a ticket travels in ticket.created.v1 and in no event of its own.
        events.push(
          createEnvelope(
            RoutingKeys.ticketMessageAdded,
            {
              ticketId,
              messageId: message.messageId,
              channelId: message.channelId,
              direction: message.direction,
              type: message.type,
              ...(message.text === undefined ? {} : { text: message.text }),
              sentAt: message.sentAt,
            },
            context,
          ),
        );
      }
      await this.tickets.enqueue(manager, events);
    });
  }
}
