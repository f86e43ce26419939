import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import { createEnvelope, RoutingKeys, validateEventData } from '@wechat-desk/contracts';
import { DeskTransactions, TypingIndicatorRepository } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskError } from '../../common/desk-error';
import { GetTicket } from '../get-ticket/get-ticket';
import { ReplyWindows } from '../reply-window/reply-windows';

export interface TypingSignal {
  sent: boolean;
}

const isoOrAbsent = (name: string, value: Date | null | undefined): Record<string, string> =>
  value === null || value === undefined ? {} : { [name]: value.toISOString() };

/**
 * Shows WeChat's typing indicator while an agent types. WeChat shows it only when a free message
 * could be sent, for 15 s, not again meanwhile: the desk asks at most once per ticket per 15 s,
 * and outbound checks WeChat's 30-second rule when it gets the request.
 */
@Injectable()
export class SendTyping {
  constructor(
    @Inject(GetTicket) private readonly getTicket: GetTicket,
    @Inject(ReplyWindows) private readonly windows: ReplyWindows,
    @Inject(TypingIndicatorRepository) private readonly typing: TypingIndicatorRepository,
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
  ) {}

  async execute(
    agent: AuthenticatedAgent,
    ticketId: string,
    typing: boolean,
  ): Promise<TypingSignal> {
    const ticket = await this.getTicket.visibleTicket(agent, ticketId);
    const now = new Date();
    const { window, facts } = await this.windows.withFacts(ticket, now);
    if (window.mode !== 'free') {
      throw new DeskError(
        HttpStatus.CONFLICT,
        window.code === 'CHANNEL_DISABLED' ? 'CHANNEL_DISABLED' : 'REPLY_WINDOW_CLOSED',
        'WeChat shows the typing indicator only while a free reply could be sent.',
        { ...window },
      );
    }
    const customer = facts?.customer;
    const request = validateEventData(RoutingKeys.outboundTypingRequested, {
      replyId: randomUUID(),
      ticketId: ticket.id,
      channelId: ticket.channelId,
      openId: ticket.openId,
      agentId: agent.id,
      command: typing ? 'Typing' : 'CancelTyping',
      ...isoOrAbsent('lastCustomerMessageAt', customer?.lastCustomerMessageAt),
      ...isoOrAbsent('lastPromptAt', customer?.lastPromptAt),
      ...isoOrAbsent('lastInteractionAt', customer?.lastInteractionAt),
      requestedAt: now.toISOString(),
    });
    return this.transactions.run(async (manager) => {
      if (typing) {
        if (!(await this.typing.claimTyping(manager, ticket.id, now))) {
          return { sent: false };
        }
      } else {
        await this.typing.release(manager, ticket.id);
      }
      await this.transactions.enqueue(manager, [
        createEnvelope(RoutingKeys.outboundTypingRequested, { ...request }),
      ]);
      return { sent: true };
    });
  }
}
