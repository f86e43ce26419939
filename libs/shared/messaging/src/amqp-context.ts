import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';

import type { EventEnvelope } from '@wechat-desk/contracts';

type AmqpContextArgs = [message: ConsumeMessage, envelope: EventEnvelope, attempt: number];

/** What a handler may know about the delivery besides its payload. */
export class AmqpContext extends BaseRpcContext<AmqpContextArgs> {
  get message(): ConsumeMessage {
    return this.args[0];
  }

  get envelope(): EventEnvelope {
    return this.args[1];
  }

  /** 1 on the first delivery, then counts our own retries. */
  get attempt(): number {
    return this.args[2];
  }
}
