import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';

import {
  Controller,
  Inject,
  Module,
  type DynamicModule,
  type OnModuleInit,
  type INestApplicationContext,
  type LogLevel,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GetMessage } from 'amqplib';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import {
  createEnvelope,
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  RoutingKeys,
  wechatEventDedupeKey,
  type EventEnvelope,
  type WechatInboundEvent,
  type WechatInboundMessage,
  type WechatSubscribeEventV1,
  type WechatTextMessageV1,
} from '@wechat-desk/contracts';
import { AppConfig, loadConfig } from '@wechat-desk/shared/config';
import { ObservabilityModule } from '@wechat-desk/shared/observability';
import { outboxTableSql, PersistenceModule } from '@wechat-desk/shared/persistence';
import { BrokerProbe, testEnv, waitFor } from '@wechat-desk/shared/testing';

import { AmqpConnection } from '../amqp-connection';
import { AmqpContext } from '../amqp-context';
import { AmqpTransport } from '../amqp-transport';
import { ConfirmPublisher } from '../confirm-publisher';
import { connectConsumer } from '../connect-consumer';
import { NonRetryableError } from '../errors';
import { MessagingModule } from '../messaging.module';
import { OutboxRelay } from '../outbox-relay';
import type { ServiceName } from '../topology';

/** Nest logs only when asked (TEST_LOGS=1): dead-letter errors are expected in these tests. */
export const TEST_LOGGER: LogLevel[] | false = process.env['TEST_LOGS']
  ? ['fatal', 'error', 'warn', 'log']
  : false;

// ---------------------------------------------------------------------------------------------
// Payloads

const CHANNEL_ID = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';

/** A valid WechatTextMessageV1 with a unique msgId (the handlers' behaviour key). */
export function wechatMessage(overrides: Partial<WechatTextMessageV1> = {}): WechatTextMessageV1 {
  const msgId = `${randomInt(1, 2 ** 47)}${randomInt(10_000, 99_999)}`;
  return {
    channelId: CHANNEL_ID,
    openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
    originalId: 'gh_97417a04a28d',
    createTime: 1_714_112_445,
    msgId,
    msgType: 'text',
    content: `hello ${msgId}`,
    ...overrides,
  };
}

/** A valid WechatSubscribeEventV1 (dedupeKey is the handlers' behaviour key). */
export function wechatEvent(
  overrides: Partial<WechatSubscribeEventV1> = {},
): WechatSubscribeEventV1 {
  const createTime = 1_714_112_445 + randomInt(1, 1_000_000);
  return {
    channelId: CHANNEL_ID,
    openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
    originalId: 'gh_97417a04a28d',
    createTime,
    event: 'subscribe',
    dedupeKey: wechatEventDedupeKey(
      CHANNEL_ID,
      'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
      createTime,
      'subscribe',
      '',
    ),
    ...overrides,
  };
}

export function messageEnvelope(
  payload: WechatTextMessageV1 = wechatMessage(),
): EventEnvelope<WechatTextMessageV1> {
  return createEnvelope(RoutingKeys.wechatMessageText, payload);
}

export function eventEnvelope(
  payload: WechatSubscribeEventV1 = wechatEvent(),
): EventEnvelope<WechatSubscribeEventV1> {
  return createEnvelope(RoutingKeys.wechatEventSubscribe, payload);
}

// ---------------------------------------------------------------------------------------------
// Handlers that do what each test tells them, and remember what happened

export type Behaviour =
  | { kind: 'succeed' }
  /** Throws a plain Error until ctx.attempt reaches `attempt`, then succeeds. */
  | { kind: 'fail-until-attempt'; attempt: number }
  | { kind: 'always-fail' }
  | { kind: 'non-retryable' }
  | { kind: 'sleep'; ms: number }
  /** Blocks until the gate opens. */
  | { kind: 'gate'; gate: Promise<void> };

export interface HandledCall {
  routingKey: string;
  key: string;
  envelopeId: string;
  attempt: number;
  redelivered: boolean;
  headers: Record<string, unknown>;
  data: unknown;
  startedAt: number;
  finishedAt?: number;
  outcome: 'running' | 'ok' | 'threw';
}

export class HandlerRecorder {
  readonly calls: HandledCall[] = [];
  readonly behaviours = new Map<string, Behaviour>();
  inFlight = 0;
  maxInFlight = 0;
  /** Times Nest ran the handlers' onModuleInit (must be once, however the consumer is attached). */
  moduleInits = 0;

  callsFor(key: string): HandledCall[] {
    return this.calls.filter((call) => call.key === key);
  }

  succeededFor(key: string): HandledCall[] {
    return this.callsFor(key).filter((call) => call.outcome === 'ok');
  }

  async handle(routingKey: string, key: string, data: unknown, ctx: AmqpContext): Promise<void> {
    const call: HandledCall = {
      routingKey,
      key,
      envelopeId: ctx.envelope.id,
      attempt: ctx.attempt,
      redelivered: ctx.message.fields.redelivered,
      headers: { ...(ctx.message.properties.headers ?? {}) },
      data,
      startedAt: Date.now(),
      outcome: 'running',
    };
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.run(this.behaviours.get(key) ?? { kind: 'succeed' }, key, ctx.attempt);
      call.outcome = 'ok';
    } catch (error) {
      call.outcome = 'threw';
      throw error;
    } finally {
      call.finishedAt = Date.now();
      this.inFlight -= 1;
    }
  }

  private async run(behaviour: Behaviour, key: string, attempt: number): Promise<void> {
    switch (behaviour.kind) {
      case 'succeed':
        return;
      case 'fail-until-attempt':
        if (attempt < behaviour.attempt) {
          throw new Error(`planned failure of ${key} on attempt ${attempt}`);
        }
        return;
      case 'always-fail':
        throw new Error(`planned failure of ${key} on attempt ${attempt}`);
      case 'non-retryable':
        throw new NonRetryableError(`${key} can never be handled`);
      case 'sleep':
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
        return;
      case 'gate':
        await behaviour.gate;
        return;
    }
  }
}

export const HANDLER_RECORDER = Symbol('HANDLER_RECORDER');

/** Exactly the conversation service's subscriptions, as a real service declares them. */
@Controller()
export class ConversationHandlers implements OnModuleInit {
  constructor(@Inject(HANDLER_RECORDER) private readonly recorder: HandlerRecorder) {}

  onModuleInit(): void {
    this.recorder.moduleInits += 1;
  }

  @EventPattern([...INBOUND_MESSAGE_ROUTING_KEYS])
  onMessage(@Payload() data: WechatInboundMessage, @Ctx() ctx: AmqpContext): Promise<void> {
    return this.recorder.handle(ctx.envelope.type, data.msgId, data, ctx);
  }

  @EventPattern([...INBOUND_EVENT_ROUTING_KEYS])
  onEvent(@Payload() data: WechatInboundEvent, @Ctx() ctx: AmqpContext): Promise<void> {
    return this.recorder.handle(ctx.envelope.type, data.dedupeKey, data, ctx);
  }

  // The service's own keys, which these tests never publish: declared so the handlers match.
  @EventPattern([RoutingKeys.conversationMediaRequested, RoutingKeys.channelUpdated])
  onOther(): void {}
}

/** A gate a test opens when it wants a blocked handler to finish. */
export function createGate(): { gate: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { gate, open };
}

// ---------------------------------------------------------------------------------------------
// A real service: Nest app + MessagingModule, configured like production through AppConfig

@Module({})
class TestConfigModule {}

export function testConfigModule(config: AppConfig): DynamicModule {
  return {
    module: TestConfigModule,
    global: true,
    providers: [{ provide: AppConfig, useValue: config }],
    exports: [AppConfig],
  };
}

@Module({})
class ConversationTestModule {}

export interface RunningService extends RunningMessaging {
  config: AppConfig;
  transport: AmqpTransport;
}

/**
 * The conversation service as production wires it (runService + connectConsumer), minus the HTTP
 * listener. Resolves once it consumes.
 */
export async function startConversationService(options: {
  env: NodeJS.ProcessEnv;
  recorder: HandlerRecorder;
}): Promise<RunningService> {
  const config = loadConfig(testEnv(options.env));
  const root: DynamicModule = {
    module: ConversationTestModule,
    imports: [
      testConfigModule(config),
      ObservabilityModule.forService('conversation'),
      MessagingModule.forService({ service: 'conversation', outbox: false }),
    ],
    controllers: [ConversationHandlers],
    providers: [{ provide: HANDLER_RECORDER, useValue: options.recorder }],
  };
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), {
    logger: TEST_LOGGER,
  });
  const transport = app.get(AmqpTransport);
  connectConsumer(app);
  await app.init();
  await app.startAllMicroservices();
  return await readyService(app, config, transport);
}

async function readyService(
  app: INestApplicationContext,
  config: AppConfig,
  transport: AmqpTransport,
): Promise<RunningService> {
  return { ...(await connectedMessaging(app, 'conversation')), config, transport };
}

/** Waits until the app's broker connection is ready and counts its later reconnects. */
async function connectedMessaging(
  app: INestApplicationContext,
  service: ServiceName,
): Promise<RunningMessaging> {
  const connection = app.get(AmqpConnection);
  await waitFor(() => connection.connected, {
    description: `${service} to connect to RabbitMQ`,
    timeoutMs: 15_000,
  });
  let readies = 0;
  await connection.onReady(() => {
    readies += 1;
    return Promise.resolve();
  });
  return {
    app,
    connection,
    publisher: app.get(ConfirmPublisher),
    connectionName: `${service}@${hostname()}:${process.pid}`,
    readyCount: () => readies,
    stop: () => app.close(),
  };
}

@Module({})
class MessagingOnlyTestModule {}

export interface RunningMessaging {
  app: INestApplicationContext;
  connection: AmqpConnection;
  publisher: ConfirmPublisher;
  /** Name of its broker connection, for closeBrokerConnections. */
  connectionName: string;
  /** How many times the connection became ready (1 after start, +1 per reconnect). */
  readyCount(): number;
  stop(): Promise<void>;
}

/** MessagingModule alone (declares the topology, publishes), consuming nothing. */
export async function startMessagingOnly(options: {
  env: NodeJS.ProcessEnv;
  service: ServiceName;
}): Promise<RunningMessaging> {
  const config = loadConfig(testEnv(options.env));
  const root: DynamicModule = {
    module: MessagingOnlyTestModule,
    imports: [
      testConfigModule(config),
      MessagingModule.forService({ service: options.service, outbox: false }),
    ],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: TEST_LOGGER });
  await app.init();
  return connectedMessaging(app, options.service);
}

// ---------------------------------------------------------------------------------------------
// Outbox: a service with PersistenceModule + MessagingModule({ outbox: true }), no consumer

export class CreateConversationOutbox1714112445000 implements MigrationInterface {
  name = 'CreateConversationOutbox1714112445000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(outboxTableSql('conversation'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE "conversation".outbox');
  }
}

@Module({})
class OutboxTestModule {}

export interface RunningRelayService {
  app: INestApplicationContext;
  connection: AmqpConnection;
  publisher: ConfirmPublisher;
  relay: OutboxRelay;
  stop(): Promise<void>;
}

export async function startOutboxService(options: {
  env: NodeJS.ProcessEnv;
}): Promise<RunningRelayService> {
  const config = loadConfig(testEnv(options.env));
  const root: DynamicModule = {
    module: OutboxTestModule,
    imports: [
      testConfigModule(config),
      PersistenceModule.forService({
        schema: 'conversation',
        entities: [],
        migrations: [],
        applicationName: 'outbox-relay-test',
      }),
      MessagingModule.forService({ service: 'conversation', outbox: true }),
    ],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: TEST_LOGGER });
  await app.init();
  const connection = app.get(AmqpConnection);
  await waitFor(() => connection.connected, {
    description: 'the relay service to connect to RabbitMQ',
    timeoutMs: 15_000,
  });
  return {
    app,
    connection,
    publisher: app.get(ConfirmPublisher),
    relay: app.get(OutboxRelay),
    stop: () => app.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Dead letters

/** Reads a dead-letter queue and keeps what it read, so several tests can share one queue. */
export class DeadLetterInbox {
  private readonly received: GetMessage[] = [];

  constructor(
    private readonly probe: BrokerProbe,
    readonly queue: string,
  ) {}

  async all(): Promise<GetMessage[]> {
    this.received.push(...(await this.probe.drain(this.queue)));
    return [...this.received];
  }

  async waitFor(messageId: string, timeoutMs = 10_000): Promise<GetMessage> {
    return waitFor(
      async () => (await this.all()).find((message) => message.properties.messageId === messageId),
      { description: `message ${messageId} in ${this.queue}`, timeoutMs },
    );
  }
}
