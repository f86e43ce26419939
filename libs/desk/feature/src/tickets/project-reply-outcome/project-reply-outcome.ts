import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type { OutboundReplyFailedV1, OutboundReplySentV1 } from '@wechat-desk/contracts';
import {
  DeskTransactions,
  LiveEventRepository,
  MessageViewRepository,
  TicketViewRepository,
  type DeliveryOutcome,
} from '@wechat-desk/desk/data-access';
import { assertNever } from '@wechat-desk/shared/util';

import { messageLiveEvent } from '../live-events';

/** Delivery status of agents' replies, as outbound reports it, with its live event. */
@Injectable()
export class ProjectReplyOutcome {
  private readonly logger = new Logger(ProjectReplyOutcome.name);

  constructor(
    @Inject(DeskTransactions) private readonly transactions: DeskTransactions,
    @Inject(MessageViewRepository) private readonly messages: MessageViewRepository,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(LiveEventRepository) private readonly liveEvents: LiveEventRepository,
  ) {}

  async sent(event: OutboundReplySentV1): Promise<void> {
    const outcome = await this.transactions.run(async (manager) =>
      this.announce(manager, await this.messages.markSent(manager, event.replyId)),
    );
    if (outcome.kind === 'unknown') {
      this.logger.warn(`Reply ${event.replyId} reported sent is not a reply of this desk; ignored`);
    }
  }

  async failed(event: OutboundReplyFailedV1): Promise<void> {
    const outcome = await this.transactions.run(async (manager) =>
      this.announce(
        manager,
        await this.messages.markFailed(manager, event.replyId, event.code, event.message),
      ),
    );
    if (outcome.kind === 'unknown') {
      this.logger.warn(
        `Failure of reply ${event.replyId} (${event.code}) names no reply of this desk; ignored`,
      );
    }
  }

  private async announce(
    manager: EntityManager,
    outcome: DeliveryOutcome,
  ): Promise<DeliveryOutcome> {
    switch (outcome.kind) {
      case 'changed': {
        const ticket = await this.tickets.read(manager, outcome.message.ticketId);
        if (ticket !== null) {
          await this.liveEvents.append(manager, [
            messageLiveEvent('message.updated', ticket, outcome.message),
          ]);
        }
        return outcome;
      }
      case 'unchanged':
      case 'unknown':
        return outcome;
      default:
        return assertNever(outcome);
    }
  }
}
