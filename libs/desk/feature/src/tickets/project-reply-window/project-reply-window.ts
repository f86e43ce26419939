import { Inject, Injectable } from '@nestjs/common';

import type { OutboundReplyWindowUpdatedV1 } from '@wechat-desk/contracts';
import { ReplyWindowRepository } from '@wechat-desk/desk/data-access';

const dateOrNull = (value: string | undefined): Date | null =>
  value === undefined ? null : new Date(value);

/** Outbound's counters of a customer, so the desk shows the window the next send will meet. */
@Injectable()
export class ProjectReplyWindow {
  constructor(@Inject(ReplyWindowRepository) private readonly windows: ReplyWindowRepository) {}

  async execute(event: OutboundReplyWindowUpdatedV1): Promise<void> {
    await this.windows.apply({
      channelId: event.channelId,
      openId: event.openId,
      version: event.version,
      customerWindowOpenedAt: dateOrNull(event.customerWindowOpenedAt),
      customerWindowUsed: event.customerWindowUsed,
      promptWindowOpenedAt: dateOrNull(event.promptWindowOpenedAt),
      promptWindowUsed: event.promptWindowUsed,
      monthKey: event.monthKey,
      monthlyUsed: event.monthlyUsed,
      wechatRefusedAt: dateOrNull(event.wechatRefusedAt),
      updatedAt: new Date(event.updatedAt),
    });
  }
}
