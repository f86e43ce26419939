import { RoutingKeys } from '@wechat-desk/contracts';
import { MetricsRegistry } from '@wechat-desk/shared/observability';
import {
  BrokerProbe,
  createTestNamespace,
  deleteNamespace,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';

import {
  createGate,
  HandlerRecorder,
  messageEnvelope,
  startConversationService,
  wechatMessage,
  type RunningService,
} from './test-support/harness';
import { topologyNames } from './topology';

jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [100, 200];
const MAX_ATTEMPTS = 3;
const TEXT = RoutingKeys.wechatMessageText;

const namespace = createTestNamespace('metrics');
const names = topologyNames(namespace);
const env = {
  MESSAGING_NAMESPACE: namespace,
  RABBITMQ_URL: TEST_RABBITMQ_URL,
  RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
  RABBITMQ_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  RABBITMQ_PREFETCH: '5',
};

const recorder = new HandlerRecorder();
let service: RunningService;
let probe: BrokerProbe;

/** What GET /metrics would show: `name{labels}` → value, for the lines starting with `prefix`. */
async function scrape(prefix: string): Promise<Map<string, number>> {
  const text = await service.app.get(MetricsRegistry).registry.metrics();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith(prefix)) {
      const space = line.lastIndexOf(' ');
      // The service label is on every sample: left out so the keys stay short.
      samples.set(
        line
          .slice(0, space)
          .replace('service="conversation"', '')
          .replace(/\{,|,\}|,,/, (match) => (match === ',,' ? ',' : match.replace(',', ''))),
        Number(line.slice(space + 1)),
      );
    }
  }
  return samples;
}

beforeAll(async () => {
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  service = await startConversationService({ env, recorder });
});

afterAll(async () => {
  await service?.stop();
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
});

it('counts every delivery by type and outcome, dead letters by reason, and times the handlers', async () => {
  const fine = wechatMessage();
  const flaky = wechatMessage();
  const hopeless = wechatMessage();
  recorder.behaviours.set(flaky.msgId, { kind: 'fail-until-attempt', attempt: 2 });
  recorder.behaviours.set(hopeless.msgId, { kind: 'always-fail' });
  for (const payload of [fine, flaky, hopeless]) {
    await service.publisher.publish(messageEnvelope(payload));
  }
  await probe.publishRouted(names.exchange, TEXT, '{"not json');

  await waitFor(async () => (await scrape('messaging_dead_letters_total')).size === 2, {
    description: 'both dead letters counted',
  });
  await waitFor(() => recorder.succeededFor(flaky.msgId).length === 1, {
    description: 'the flaky message to succeed on its second attempt',
  });
  const deliveries = await scrape('messaging_deliveries_total');
  expect(Object.fromEntries(deliveries)).toEqual({
    [`messaging_deliveries_total{type="${TEXT}",outcome="acked"}`]: 2,
    // flaky once, hopeless on attempts 1 and 2; its 3rd is dead-lettered.
    [`messaging_deliveries_total{type="${TEXT}",outcome="retried"}`]: 3,
    [`messaging_deliveries_total{type="${TEXT}",outcome="dead_lettered"}`]: 1,
    'messaging_deliveries_total{type="unparsed",outcome="dead_lettered"}': 1,
  });
  expect(Object.fromEntries(await scrape('messaging_dead_letters_total'))).toEqual({
    'messaging_dead_letters_total{reason="ATTEMPTS_EXHAUSTED"}': 1,
    'messaging_dead_letters_total{reason="MALFORMED"}': 1,
  });
  const durations = await scrape('messaging_handler_duration_seconds_count');
  expect(durations.get(`messaging_handler_duration_seconds_count{type="${TEXT}"}`)).toBe(6);
});

it("shows the messages waiting in the service's queue, its delay queues and its dead-letter queue", async () => {
  // Both dead letters of the test before wait in the dead-letter queue.
  const waiting = async (): Promise<Record<string, number>> =>
    Object.fromEntries(await scrape('messaging_messages_waiting'));
  expect(await waiting()).toEqual({
    'messaging_messages_waiting{where="queue"}': 0,
    'messaging_messages_waiting{where="retry"}': 0,
    'messaging_messages_waiting{where="dead_letter"}': 2,
  });

  // Five handlers held (the prefetch), three more messages ready behind them.
  const { gate, open } = createGate();
  const held = Array.from({ length: 8 }, () => wechatMessage());
  for (const payload of held) {
    recorder.behaviours.set(payload.msgId, { kind: 'gate', gate });
    await service.publisher.publish(messageEnvelope(payload));
  }
  try {
    await waitFor(
      async () => (await waiting())['messaging_messages_waiting{where="queue"}'] === 3,
      { description: 'three messages ready behind the five in flight' },
    );
  } finally {
    open();
  }
  await waitFor(async () => (await waiting())['messaging_messages_waiting{where="queue"}'] === 0, {
    description: 'the queue drained',
  });
});

it('leaves the depths out while RabbitMQ cannot be asked, and still answers the scrape', async () => {
  await service.connection.close();
  const samples = await scrape('messaging_');
  expect([...samples.keys()].some((key) => key.startsWith('messaging_messages_waiting'))).toBe(
    false,
  );
  expect(samples.get(`messaging_deliveries_total{type="${TEXT}",outcome="acked"}`)).toBe(10);
});
