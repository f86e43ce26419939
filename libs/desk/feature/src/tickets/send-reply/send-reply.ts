import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  createEnvelope,
  RoutingKeys,
  validateEventData,
  type ReplyType,
} from '@wechat-desk/contracts';
import {
  ChannelRepository,
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
} from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskError } from '../../common/desk-error';
import { GetTicket } from '../get-ticket/get-ticket';
import { messageLiveEvent, ticketLiveEvent } from '../live-events';
import { closedWindowMessage } from '../reply-window/reply-window.view';
import { ReplyWindows } from '../reply-window/reply-windows';
import { TicketNotProjectedYetError } from '../ticket-not-projected';

export interface SendReplyInput {
  type: ReplyType;
  text: string;
}

export interface QueuedReply {
  id: string;
  status: 'queued';
}

/**
 * Queues an agent's reply: the message (status queued) and outbound.reply.requested.v1 commit
 * together with its live events, and the message id is the reply id, so outbound sends it at
 * most once.
 */
@Injectable()
export class SendReply {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
  ) {}

  async execute(
    agent: AuthenticatedAgent,
    ticketId: string,
    input: SendReplyInput,
  ): Promise<QueuedReply> {
    const ticket = await this.getTicket.visibleTicket(agent, ticketId);
    const channel = await this.channels.findById(ticket.channelId);
    if (channel === null || !channel.enabled) {
      throw new DeskError(
        HttpStatus.CONFLICT,
        'CHANNEL_DISABLED',
        "The ticket's channel is disabled: nothing can be sent through it",
        { channelId: ticket.channelId },
      );
    }
    const requestedAt = new Date();
    // The same decision outbound makes; outbound decides again, atomically, when it sends.
    const { window, facts } = await this.windows.withFacts(ticket, requestedAt);
    if (window.mode === 'closed') {
      throw new DeskError(
        HttpStatus.CONFLICT,
        window.code ?? 'REPLY_WINDOW_CLOSED',
        closedWindowMessage(window, requestedAt, this.windows.timeZone),
        { ...window },
      );
    }
    const customer = facts?.customer;
    const id = randomUUID();
    const request = validateEventData(RoutingKeys.outboundReplyRequested, {
      replyId: id,
      ticketId: ticket.id,
      channelId: ticket.channelId,
      openId: ticket.openId,
      agentId: agent.id,
      type: input.type,
      text: input.text,
      ...isoFields({
        lastCustomerMessageAt: customer?.lastCustomerMessageAt ?? null,
        lastPromptAt: customer?.lastPromptAt ?? null,
        followingChangedAt: customer?.followingChangedAt ?? null,
      }),
      ...(customer?.following === null || customer === undefined
        ? {}
        : { following: customer.following }),
      requestedAt: requestedAt.toISOString(),
    });
    await this.transactions.run(async (manager) => {
      const locked = await this.tickets.lock(manager, ticket.id);
      if (locked === null) {
        throw new TicketNotProjectedYetError(ticket.id);
      }
      const message = await this.messages.insertOutbound(
        manager,
        {
          id,
          ticketId: ticket.id,
          type: input.type,
          text: input.text,
          sentAt: requestedAt,
          agentId: agent.id,
        },
        [createEnvelope(RoutingKeys.outboundReplyRequested, { ...request })],
      );
      const moved = await this.tickets.touch(manager, ticket.id, requestedAt);
      await this.liveEvents.append(manager, [
        messageLiveEvent('message.added', locked, message),
        ...(moved
          ? [ticketLiveEvent('ticket.updated', { ...locked, lastMessageAt: requestedAt })]
          : []),
      ]);
    });
    return { id, status: 'queued' };
  }
}

/** The instants that are known, as ISO strings (absent ones are left out of the event). */
function isoFields(fields: Record<string, Date | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter((entry): entry is [string, Date] => entry[1] !== null)
      .map(([name, value]) => [name, value.toISOString()]),
  );
}
