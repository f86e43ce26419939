import { IsISO8601 } from 'class-validator';

import { OutboundReplyRef } from './outbound-reply-ref';

export class OutboundReplySentV1 extends OutboundReplyRef {
  @IsISO8601()
  sentAt!: string;
}
