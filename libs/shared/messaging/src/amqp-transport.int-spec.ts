import { randomUUID } from 'node:crypto';

import type { GetMessage } from 'amqplib';

import {
  createEnvelope,
  RoutingKeys,
  WechatTextMessageV1,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import {
  BrokerProbe,
  createTestNamespace,
  deleteNamespace,
  headerText,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';

import {
  createGate,
  DeadLetterInbox,
  HandlerRecorder,
  messageEnvelope,
  startConversationService,
  wechatEvent,
  wechatMessage,
  type RunningService,
} from './test-support/harness';
import { topologyNames } from './topology';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [100, 200];
const MAX_ATTEMPTS = 3;
const PREFETCH = 3;

const namespace = createTestNamespace('transport');
const names = topologyNames(namespace);
const queue = names.queue('conversation');
const env = {
  MESSAGING_NAMESPACE: namespace,
  RABBITMQ_URL: TEST_RABBITMQ_URL,
  RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
  RABBITMQ_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  RABBITMQ_PREFETCH: String(PREFETCH),
};

let probe: BrokerProbe;
let deadLetters: DeadLetterInbox;

beforeAll(async () => {
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  deadLetters = new DeadLetterInbox(probe, names.deadLetterQueue('conversation'));
});

afterAll(async () => {
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
});

/** With the consumer gone, whatever it had not acked is back in the queue: count what is left. */
async function stopAndCountLeftovers(service: RunningService): Promise<number> {
  await service.stop();
  await waitFor(async () => (await probe.queue(queue)).consumerCount === 0, {
    description: `no consumer left on ${queue}`,
  });
  return (await probe.queue(queue)).messageCount;
}

function body(message: GetMessage): unknown {
  return JSON.parse(message.content.toString('utf8'));
}

describe('a confirmed publish', () => {
  it('reaches its handler exactly once, validated into the contract class, and is acked', async () => {
    const recorder = new HandlerRecorder();
    const service = await startConversationService({ env, recorder });
    const payload = wechatMessage();
    const envelope = messageEnvelope(payload);

    await service.publisher.publish(envelope);

    const [call] = await waitFor(
      () => recorder.succeededFor(payload.msgId)[0] && recorder.succeededFor(payload.msgId),
      {
        description: 'the handler to succeed',
      },
    );
    expect(call?.data).toBeInstanceOf(WechatTextMessageV1);
    expect(call?.data).toEqual(payload);
    expect(call).toMatchObject({
      routingKey: RoutingKeys.wechatMessageText,
      envelopeId: envelope.id,
      attempt: 1,
      redelivered: false,
    });

    expect(recorder.moduleInits).toBe(1);
    expect(await stopAndCountLeftovers(service)).toBe(0);
    expect(recorder.callsFor(payload.msgId)).toHaveLength(1);
    expect(await deadLetters.all()).toEqual([]);
  });

  it('routes each message type to its own handler by routing key', async () => {
    const recorder = new HandlerRecorder();
    const service = await startConversationService({ env, recorder });
    const message = wechatMessage();
    const event = wechatEvent();
    await service.publisher.publish(createEnvelope(RoutingKeys.wechatEventSubscribe, event));
    await service.publisher.publish(messageEnvelope(message));

    await waitFor(
      () =>
        recorder.succeededFor(message.msgId).length === 1 &&
        recorder.succeededFor(event.dedupeKey).length === 1,
      { description: 'both handlers to succeed' },
    );
    expect(recorder.succeededFor(event.dedupeKey)[0]?.routingKey).toBe(
      RoutingKeys.wechatEventSubscribe,
    );
    expect(recorder.succeededFor(message.msgId)[0]?.routingKey).toBe(RoutingKeys.wechatMessageText);
    expect(await stopAndCountLeftovers(service)).toBe(0);
  });
});

describe('failures, retries and dead letters', () => {
  const recorder = new HandlerRecorder();
  let service: RunningService;

  beforeAll(async () => {
    service = await startConversationService({ env, recorder });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('retries a failing handler through the delay queues, counting attempts, until it succeeds on the 3rd', async () => {
    const payload = wechatMessage();
    recorder.behaviours.set(payload.msgId, { kind: 'fail-until-attempt', attempt: 3 });
    const envelope = messageEnvelope(payload);

    await service.publisher.publish(envelope);

    await waitFor(() => recorder.succeededFor(payload.msgId).length === 1, {
      description: 'the third attempt to succeed',
    });
    const calls = recorder.callsFor(payload.msgId);
    expect(calls.map((call) => [call.attempt, call.outcome])).toEqual([
      [1, 'threw'],
      [2, 'threw'],
      [3, 'ok'],
    ]);
    expect(calls.every((call) => call.envelopeId === envelope.id)).toBe(true);
    // The retries carry their attempt number and the previous error…
    expect(calls[1]?.headers['x-attempt']).toBe(2);
    expect(calls[2]?.headers['x-attempt']).toBe(3);
    expect(String(calls[2]?.headers['x-last-error'])).toContain(
      `planned failure of ${payload.msgId} on attempt 2`,
    );
    // …came back through the delay queue of each step (dead-lettered there on expiry)…
    const deathOf = (index: number): unknown =>
      (
        calls[index]?.headers['x-death'] as Array<{ queue: string; reason: string }> | undefined
      )?.[0];
    expect(deathOf(1)).toMatchObject({
      queue: names.retryQueue('conversation', 100),
      reason: 'expired',
    });
    expect(deathOf(2)).toMatchObject({
      queue: names.retryQueue('conversation', 200),
      reason: 'expired',
    });
    // …and waited there at least the configured delay.
    expect(calls[1].startedAt - calls[0].finishedAt!).toBeGreaterThanOrEqual(90);
    expect(calls[2].startedAt - calls[1].finishedAt!).toBeGreaterThanOrEqual(190);
  });

  it(`dead-letters a message whose handler always fails after ${MAX_ATTEMPTS} attempts, with the reason and last error`, async () => {
    const payload = wechatMessage();
    recorder.behaviours.set(payload.msgId, { kind: 'always-fail' });
    const envelope = messageEnvelope(payload);

    await service.publisher.publish(envelope);

    const dead = await deadLetters.waitFor(envelope.id);
    expect(headerText(dead, 'x-dead-letter-reason')).toBe('ATTEMPTS_EXHAUSTED');
    expect(headerText(dead, 'x-last-error')).toContain(
      `planned failure of ${payload.msgId} on attempt ${MAX_ATTEMPTS}`,
    );
    expect(headerText(dead, 'x-dead-lettered-by')).toBe('conversation');
    expect(dead.properties.headers?.['x-attempt']).toBe(MAX_ATTEMPTS);
    // The dead letter is the original message, ready to be replayed as it was.
    expect(body(dead)).toEqual(JSON.parse(JSON.stringify(envelope)));
    expect(dead.properties.type).toBe(RoutingKeys.wechatMessageText);
    expect(recorder.callsFor(payload.msgId).map((call) => call.attempt)).toEqual([1, 2, 3]);
  });

  it('dead-letters a NonRetryableError at once, without a retry', async () => {
    const payload = wechatMessage();
    recorder.behaviours.set(payload.msgId, { kind: 'non-retryable' });
    const envelope = messageEnvelope(payload);

    await service.publisher.publish(envelope);

    const dead = await deadLetters.waitFor(envelope.id);
    expect(headerText(dead, 'x-dead-letter-reason')).toBe('NON_RETRYABLE');
    expect(headerText(dead, 'x-last-error')).toBe(`${payload.msgId} can never be handled`);
    expect(recorder.callsFor(payload.msgId).map((call) => call.attempt)).toEqual([1]);
  });

  it('isolates poison messages: malformed and contract-breaking ones go to the dead-letter queue, valid ones keep flowing', async () => {
    const exchange = names.exchange;
    const key = RoutingKeys.wechatMessageText;
    const poison = {
      malformed: `poison-${randomUUID()}`,
      notAnEnvelope: `poison-${randomUUID()}`,
      badPayload: randomUUID(),
      unknownType: randomUUID(),
      noHandler: randomUUID(),
    };
    const valid = [wechatMessage(), wechatMessage(), wechatMessage()];
    const badPayload = { ...messageEnvelope(), id: poison.badPayload };
    (badPayload.data as unknown as Record<string, unknown>)['msgId'] = 7_250_021_412_600_020_992;
    const unknownType = {
      ...messageEnvelope(),
      id: poison.unknownType,
      type: 'message.deleted.v1',
    };
    const ticket = createEnvelope(
      RoutingKeys.ticketCreated,
      {
        ticketId: randomUUID(),
        number: 1,
        channelId: randomUUID(),
        departmentId: randomUUID(),
        contactId: randomUUID(),
        openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        status: 'open',
        createdAt: new Date().toISOString(),
        firstMessageId: randomUUID(),
        firstMessageType: 'text',
        firstMessageText: 'hello',
        firstMessageSentAt: new Date().toISOString(),
      },
      { id: poison.noHandler },
    );

    await probe.publishRaw(exchange, key, '{"id": "truncated', { messageId: poison.malformed });
    await service.publisher.publish(messageEnvelope(valid[0]));
    await probe.publishRaw(exchange, key, '{"hello":"world"}', { messageId: poison.notAnEnvelope });
    await probe.publishRaw(exchange, key, JSON.stringify(badPayload), {
      messageId: poison.badPayload,
    });
    await service.publisher.publish(messageEnvelope(valid[1]));
    // Straight into the queue: no binding would route these here.
    await probe.publishRaw('', queue, JSON.stringify(unknownType), {
      messageId: poison.unknownType,
    });
    await probe.publishRaw('', queue, JSON.stringify(ticket), { messageId: poison.noHandler });
    await service.publisher.publish(messageEnvelope(valid[2]));

    const reasons: Record<string, string | undefined> = {};
    for (const [name, id] of Object.entries(poison)) {
      const dead = await deadLetters.waitFor(id);
      reasons[name] = headerText(dead, 'x-dead-letter-reason');
      expect(headerText(dead, 'x-last-error')).toBeTruthy();
    }
    expect(reasons).toEqual({
      malformed: 'MALFORMED',
      notAnEnvelope: 'CONTRACT_VIOLATION',
      badPayload: 'CONTRACT_VIOLATION',
      unknownType: 'CONTRACT_VIOLATION',
      noHandler: 'NO_HANDLER',
    });
    const badPayloadDead = (await deadLetters.all()).find(
      (message) => message.properties.messageId === poison.badPayload,
    );
    expect(headerText(badPayloadDead!, 'x-last-error')).toMatch(/msgId/);

    await waitFor(
      () => valid.every((payload) => recorder.succeededFor(payload.msgId).length === 1),
      {
        description: 'every valid message to be handled',
      },
    );
    // Handlers only ever saw valid messages, each once.
    for (const payload of valid) {
      expect(recorder.callsFor(payload.msgId)).toHaveLength(1);
    }
    expect(recorder.calls.every((call) => call.data instanceof WechatTextMessageV1)).toBe(true);
  });

  it(`never runs more than RABBITMQ_PREFETCH (${PREFETCH}) handlers at once`, async () => {
    await waitFor(() => recorder.inFlight === 0, { description: 'earlier handlers to finish' });
    recorder.maxInFlight = 0;
    const payloads = Array.from({ length: 10 }, () => wechatMessage());
    for (const payload of payloads) {
      recorder.behaviours.set(payload.msgId, { kind: 'sleep', ms: 100 });
    }

    await Promise.all(
      payloads.map((payload) => service.publisher.publish(messageEnvelope(payload))),
    );

    await waitFor(
      () => payloads.every((payload) => recorder.succeededFor(payload.msgId).length === 1),
      {
        description: 'all 10 slow messages to be handled',
      },
    );
    expect(recorder.maxInFlight).toBe(PREFETCH);
  });

  it('leaves nothing unacked and nothing waiting in the delay queues', async () => {
    await waitFor(() => recorder.inFlight === 0, { description: 'handlers to finish' });
    const leftovers = await stopAndCountLeftovers(service);
    expect(leftovers).toBe(0);
    for (const delay of RETRY_DELAYS_MS) {
      expect((await probe.queue(names.retryQueue('conversation', delay))).messageCount).toBe(0);
    }
    // Every message that succeeded did so exactly once.
    const succeeded = recorder.calls.filter((call) => call.outcome === 'ok');
    expect(new Set(succeeded.map((call) => call.key)).size).toBe(succeeded.length);
  });
});

describe('graceful close', () => {
  it('waits for the handler in flight, acks it, and takes no new message meanwhile', async () => {
    const recorder = new HandlerRecorder();
    const service = await startConversationService({ env, recorder });
    const payload = wechatMessage();
    const { gate, open } = createGate();
    recorder.behaviours.set(payload.msgId, { kind: 'gate', gate });
    await service.publisher.publish(messageEnvelope(payload));
    await waitFor(() => recorder.callsFor(payload.msgId).length === 1, {
      description: 'the handler to start',
    });

    const events: string[] = [];
    const closing = service.stop().then(() => events.push('closed'));
    // Give close every chance to finish early if it did not wait (it must not).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toEqual([]);
    const late = wechatMessage();
    await probe.publishRaw(
      names.exchange,
      RoutingKeys.wechatMessageText,
      JSON.stringify(messageEnvelope(late)),
    );

    events.push('handler released');
    open();
    await closing;

    expect(events).toEqual(['handler released', 'closed']);
    expect(recorder.callsFor(payload.msgId).map((call) => call.outcome)).toEqual(['ok']);
    expect(recorder.callsFor(late.msgId)).toEqual([]);
    await waitFor(async () => (await probe.queue(queue)).consumerCount === 0, {
      description: 'the consumer to be gone',
    });
    // Only the late message is left: the one in flight was acked, not returned.
    const left = await probe.drain(queue);
    expect(
      left.map((message) => (body(message) as EventEnvelope<WechatTextMessageV1>).data.msgId),
    ).toEqual([late.msgId]);
  });
});
