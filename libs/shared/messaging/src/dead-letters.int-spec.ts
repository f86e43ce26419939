import { randomUUID } from 'node:crypto';

import {
  BrokerProbe,
  createTestNamespace,
  deleteNamespace,
  headerText,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';

import {
  DeadLetterNotFoundError,
  DeadLetters,
  QueueNotFoundError,
  REPLAY_COUNT_HEADER,
  UnknownServiceError,
} from './dead-letters';
import {
  HandlerRecorder,
  messageEnvelope,
  startConversationService,
  wechatMessage,
  type RunningService,
} from './test-support/harness';
import { topologyNames } from './topology';

jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [50];
const namespace = createTestNamespace('dead-letters');
const names = topologyNames(namespace);
const deadLetterQueue = names.deadLetterQueue('conversation');
const env = {
  MESSAGING_NAMESPACE: namespace,
  RABBITMQ_URL: TEST_RABBITMQ_URL,
  RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
  RABBITMQ_MAX_ATTEMPTS: '2',
};

const recorder = new HandlerRecorder();
let probe: BrokerProbe;
let service: RunningService;
let deadLetters: DeadLetters;

// Dead-lettered in this order: a NonRetryableError, bytes that are not JSON, another
// NonRetryableError, and one whose attempts ran out.
const first = wechatMessage();
const malformedId = `malformed-${randomUUID()}`;
const second = wechatMessage();
const exhausted = wechatMessage();
const envelopes = {
  first: messageEnvelope(first),
  second: messageEnvelope(second),
  exhausted: messageEnvelope(exhausted),
};

async function depth(): Promise<number> {
  return (await probe.queue(deadLetterQueue)).messageCount;
}

async function idsInQueue(): Promise<Array<string | null>> {
  return (await deadLetters.list('conversation')).messages.map((message) => message.envelopeId);
}

beforeAll(async () => {
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  service = await startConversationService({ env, recorder });
  deadLetters = await DeadLetters.connect({ url: TEST_RABBITMQ_URL, namespace });
  recorder.behaviours.set(first.msgId, { kind: 'non-retryable' });
  recorder.behaviours.set(second.msgId, { kind: 'non-retryable' });
  recorder.behaviours.set(exhausted.msgId, { kind: 'always-fail' });
  await service.publisher.publish(envelopes.first);
  await waitFor(async () => (await depth()) === 1, { description: 'the first dead letter' });
  await probe.publishRaw(names.exchange, envelopes.first.type, '{"id": "trunc', {
    messageId: malformedId,
  });
  await waitFor(async () => (await depth()) === 2, { description: 'the malformed dead letter' });
  await service.publisher.publish(envelopes.second);
  await waitFor(async () => (await depth()) === 3, { description: 'the second dead letter' });
  await service.publisher.publish(envelopes.exhausted);
  await waitFor(async () => (await depth()) === 4, { description: 'the exhausted dead letter' });
});

afterAll(async () => {
  await deadLetters?.close();
  await service?.stop();
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
});

describe('reading dead letters', () => {
  it('lists them in queue order with type, reason and last error, and leaves the queue as it was', async () => {
    const callsBefore = recorder.calls.length;
    const listing = await deadLetters.list('conversation');

    expect(listing.queue).toBe(deadLetterQueue);
    expect(listing.count).toBe(4);
    expect(
      listing.messages.map((message) => [message.index, message.envelopeId, message.reason]),
    ).toEqual([
      [1, envelopes.first.id, 'NON_RETRYABLE'],
      [2, malformedId, 'MALFORMED'],
      [3, envelopes.second.id, 'NON_RETRYABLE'],
      [4, envelopes.exhausted.id, 'ATTEMPTS_EXHAUSTED'],
    ]);
    expect(listing.messages[0]?.type).toBe(envelopes.first.type);
    expect(listing.messages[0]?.error).toBe(`${first.msgId} can never be handled`);
    expect(listing.messages[3]?.error).toContain('on attempt 2');
    expect(Date.parse(listing.messages[0]?.deadLetteredAt ?? '')).toBeGreaterThan(0);

    // Reading twice, and with a limit, changes neither the count nor the order.
    expect(await depth()).toBe(4);
    expect((await deadLetters.list('conversation', { limit: 2 })).messages).toHaveLength(2);
    expect(await idsInQueue()).toEqual(listing.messages.map((message) => message.envelopeId));
    expect(recorder.calls.length).toBe(callsBefore);
  });

  it('counts every service queue', async () => {
    const counts = await deadLetters.counts();
    expect(counts.find((row) => row.service === 'conversation')).toEqual({
      service: 'conversation',
      queue: deadLetterQueue,
      count: 4,
    });
  });

  it('shows one whole: the envelope as published and every header', async () => {
    const detail = await deadLetters.show('conversation', envelopes.first.id);

    expect(detail.envelope).toEqual(JSON.parse(JSON.stringify(envelopes.first)));
    expect(detail.headers['x-dead-letter-reason']).toBe('NON_RETRYABLE');
    expect(detail.headers['x-dead-lettered-by']).toBe('conversation');
    expect(detail.properties['messageId']).toBe(envelopes.first.id);
    expect(detail.copies).toBe(1);
    expect(detail.index).toBe(1);
    const malformed = await deadLetters.show('conversation', malformedId);
    expect(malformed.envelope).toBe('{"id": "trunc');
    expect(await depth()).toBe(4);
  });

  it('says clearly what it cannot find', async () => {
    await expect(deadLetters.show('conversation', 'no-such-id')).rejects.toThrow(
      DeadLetterNotFoundError,
    );
    await expect(deadLetters.list('billing')).rejects.toThrow(UnknownServiceError);
    const elsewhere = await DeadLetters.connect({
      url: TEST_RABBITMQ_URL,
      namespace: `${namespace}-absent`,
    });
    try {
      await expect(elsewhere.list('conversation')).rejects.toThrow(QueueNotFoundError);
    } finally {
      await elsewhere.close();
    }
    await expect(
      DeadLetters.connect({ url: 'amqp://guest:guest@127.0.0.1:1', namespace, timeoutMs: 2_000 }),
    ).rejects.toThrow(/did not answer/);
  });
});

describe('replaying dead letters', () => {
  it('replays nothing when any id asked for is not there', async () => {
    const callsBefore = recorder.calls.length;
    await expect(
      deadLetters.replay('conversation', { envelopeIds: [envelopes.first.id, 'no-such-id'] }),
    ).rejects.toThrow(/no-such-id \(nothing was replayed\)/);
    expect(await idsInQueue()).toEqual([
      envelopes.first.id,
      malformedId,
      envelopes.second.id,
      envelopes.exhausted.id,
    ]);
    expect(recorder.calls.length).toBe(callsBefore);
  });

  it('puts one back into its service queue as it was, with a fresh retry budget, and keeps the others in order', async () => {
    recorder.behaviours.set(first.msgId, { kind: 'succeed' });

    const result = await deadLetters.replay('conversation', { envelopeIds: [envelopes.first.id] });

    expect(result).toMatchObject({
      from: deadLetterQueue,
      to: names.queue('conversation'),
      replayed: [{ index: 1, envelopeId: envelopes.first.id, removedCopies: 1 }],
      remaining: 3,
    });
    await waitFor(() => recorder.succeededFor(first.msgId).length === 1, {
      description: 'the replayed message to be handled',
    });
    const replayed = recorder.succeededFor(first.msgId)[0];
    expect(replayed?.envelopeId).toBe(envelopes.first.id);
    expect(replayed?.attempt).toBe(1);
    expect(replayed?.headers[REPLAY_COUNT_HEADER]).toBe(1);
    expect(replayed?.headers['x-dead-letter-reason']).toBeUndefined();
    expect(replayed?.headers['x-last-error']).toBeUndefined();
    expect(await idsInQueue()).toEqual([malformedId, envelopes.second.id, envelopes.exhausted.id]);
  });

  it('replays all: the good ones are handled once each, a poison message comes back counted', async () => {
    recorder.behaviours.set(second.msgId, { kind: 'succeed' });
    recorder.behaviours.set(exhausted.msgId, { kind: 'succeed' });

    const result = await deadLetters.replay('conversation', { all: true });

    expect(result.replayed.map((entry) => entry.envelopeId)).toEqual([
      malformedId,
      envelopes.second.id,
      envelopes.exhausted.id,
    ]);
    await waitFor(
      () =>
        recorder.succeededFor(second.msgId).length === 1 &&
        recorder.succeededFor(exhausted.msgId).length === 1,
      { description: 'both replayed messages to be handled' },
    );
    // The malformed bytes fail again, straight back to the dead-letter queue, marked replayed.
    await waitFor(async () => (await depth()) === 1, {
      description: 'the poison message back in the dead-letter queue',
    });
    const [back] = await probe.drain(deadLetterQueue);
    expect(back?.properties.messageId).toBe(malformedId);
    expect(headerText(back, 'x-dead-letter-reason')).toBe('MALFORMED');
    expect(back?.properties.headers?.[REPLAY_COUNT_HEADER]).toBe(1);
    expect(recorder.callsFor(first.msgId)).toHaveLength(2);
  });
});
