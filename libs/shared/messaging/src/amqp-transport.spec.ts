import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';

import {
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  RoutingKeys,
} from '@wechat-desk/contracts';

import { AmqpConnection } from './amqp-connection';
import { AmqpTransport } from './amqp-transport';
import { ConfirmPublisher } from './confirm-publisher';

// No I/O: the check runs in listen() before anything connects (the connection is never started).
function transport(): AmqpTransport {
  const connection = new AmqpConnection({ url: 'amqp://localhost:1', connectionName: 'unit' });
  return new AmqpTransport(connection, new ConfirmPublisher(connection, 'unit.events', 1_000), {
    service: 'conversation',
    namespace: 'unit',
    prefetch: 1,
    maxAttempts: 3,
    retryDelaysMs: [100],
  });
}

async function listenWith(controller: Type<unknown>): Promise<unknown> {
  @Module({ controllers: [controller] })
  class HandlersModule {}
  const app = await NestFactory.createMicroservice(HandlersModule, {
    strategy: transport(),
    logger: false,
  });
  try {
    await app.listen();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
}

describe('AmqpTransport refuses to start unless its handlers match SUBSCRIPTIONS exactly', () => {
  it('names a subscribed key without a handler', async () => {
    @Controller()
    class MissingOne {
      @EventPattern([...INBOUND_MESSAGE_ROUTING_KEYS])
      onMessage(): void {}

      @EventPattern([RoutingKeys.conversationMediaRequested, RoutingKeys.channelUpdated])
      onOther(): void {}
    }
    const error = await listenWith(MissingOne);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'Service conversation: handlers and subscriptions differ ' +
        `(no handler: ${INBOUND_EVENT_ROUTING_KEYS.join(', ')}; not subscribed: none)`,
    );
  });

  it('names a handler for a key the service does not subscribe', async () => {
    @Controller()
    class OneTooMany {
      @EventPattern([...INBOUND_MESSAGE_ROUTING_KEYS])
      onMessage(): void {}

      @EventPattern([...INBOUND_EVENT_ROUTING_KEYS])
      onEvent(): void {}

      @EventPattern([RoutingKeys.conversationMediaRequested, RoutingKeys.channelUpdated])
      onOther(): void {}

      @EventPattern(RoutingKeys.ticketCreated)
      onTicket(): void {}
    }
    const error = await listenWith(OneTooMany);
    expect((error as Error).message).toBe(
      'Service conversation: handlers and subscriptions differ ' +
        `(no handler: none; not subscribed: ${RoutingKeys.ticketCreated})`,
    );
  });
});
