import { Registry } from 'prom-client';

import { MessagingMetrics, type MessagingProbes, type QueueDepths } from './messaging-metrics';

/** The samples of one metric as `name{labels} → value`, e.g. `x_total{type="a"} → 3`. */
async function samples(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) {
    throw new Error(`no metric ${name}`);
  }
  const { values } = await metric.get();
  return Object.fromEntries(
    values.map((value) => [
      `${(value as { metricName?: string }).metricName ?? name}{${Object.entries(value.labels)
        .map(([key, label]) => `${key}="${String(label)}"`)
        .join(',')}}`,
      value.value,
    ]),
  );
}

const WAITING = 'messaging_messages_waiting';
const waiting = (where: string): string => `${WAITING}{where="${where}"}`;

const depths =
  (value: QueueDepths): MessagingProbes['queueDepths'] =>
  () =>
    Promise.resolve(value);

describe(MessagingMetrics.name, () => {
  it('counts settled deliveries by type and outcome, and times them', async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry, {
      queueDepths: depths({ main: 0, retry: 0, deadLetter: 0 }),
    });
    metrics.settled('wechat.message.text.v1', 'acked', 0.004);
    metrics.settled('wechat.message.text.v1', 'acked', 0.2);
    metrics.settled('wechat.message.text.v1', 'retried', 0.03);
    metrics.settled('unparsed', 'dead_lettered', 0.001);

    expect(await samples(registry, 'messaging_deliveries_total')).toEqual({
      'messaging_deliveries_total{type="wechat.message.text.v1",outcome="acked"}': 2,
      'messaging_deliveries_total{type="wechat.message.text.v1",outcome="retried"}': 1,
      'messaging_deliveries_total{type="unparsed",outcome="dead_lettered"}': 1,
    });
    const histogram = await samples(registry, 'messaging_handler_duration_seconds');
    const bucket = (le: string): number | undefined =>
      histogram[
        `messaging_handler_duration_seconds_bucket{le="${le}",type="wechat.message.text.v1"}`
      ];
    expect([bucket('0.005'), bucket('0.05'), bucket('0.25'), bucket('+Inf')]).toEqual([1, 2, 3, 3]);
    expect(
      histogram['messaging_handler_duration_seconds_sum{type="wechat.message.text.v1"}'],
    ).toBeCloseTo(0.234, 6);
    expect(histogram['messaging_handler_duration_seconds_count{type="unparsed"}']).toBe(1);
  });

  it('counts dead letters by reason', async () => {
    const registry = new Registry();
    const metrics = new MessagingMetrics(registry, {
      queueDepths: depths({ main: 0, retry: 0, deadLetter: 0 }),
    });
    metrics.deadLettered('MALFORMED');
    metrics.deadLettered('ATTEMPTS_EXHAUSTED');
    metrics.deadLettered('MALFORMED');
    expect(await samples(registry, 'messaging_dead_letters_total')).toEqual({
      'messaging_dead_letters_total{reason="MALFORMED"}': 2,
      'messaging_dead_letters_total{reason="ATTEMPTS_EXHAUSTED"}': 1,
    });
  });

  it('reads the queue depths and the outbox at every scrape', async () => {
    const registry = new Registry();
    let main = 3;
    let outbox = 7;
    new MessagingMetrics(registry, {
      queueDepths: () => Promise.resolve({ main, retry: 2, deadLetter: 1 }),
      outboxRows: () => Promise.resolve(outbox),
    });
    expect(await samples(registry, WAITING)).toEqual({
      [waiting('queue')]: 3,
      [waiting('retry')]: 2,
      [waiting('dead_letter')]: 1,
      [waiting('outbox')]: 7,
    });
    main = 0;
    outbox = 0;
    const after = await samples(registry, WAITING);
    expect([after[waiting('queue')], after[waiting('outbox')]]).toEqual([0, 0]);
  });

  it('leaves a depth it cannot read without a sample, and the scrape still answers', async () => {
    const registry = new Registry();
    let brokerUp = true;
    new MessagingMetrics(registry, {
      queueDepths: () =>
        brokerUp
          ? Promise.resolve({ main: 5, retry: 0, deadLetter: 0 })
          : Promise.reject(new Error('RabbitMQ is not connected')),
      outboxRows: () => Promise.reject(new Error('Connection terminated')),
    });
    expect(await samples(registry, WAITING)).toEqual({
      [waiting('queue')]: 5,
      [waiting('retry')]: 0,
      [waiting('dead_letter')]: 0,
    });
    brokerUp = false;
    expect(await samples(registry, WAITING)).toEqual({});
    await expect(registry.metrics()).resolves.toContain('messaging_deliveries_total');
  });

  it('gives up on a probe that does not answer within 2 s', async () => {
    jest.useFakeTimers();
    try {
      const registry = new Registry();
      new MessagingMetrics(registry, {
        queueDepths: () => new Promise<QueueDepths>(() => undefined),
      });
      const scrape = samples(registry, WAITING);
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(scrape).resolves.toEqual({});
    } finally {
      jest.useRealTimers();
    }
  });

  it('has no outbox sample for a service without an outbox', async () => {
    const registry = new Registry();
    new MessagingMetrics(registry, { queueDepths: depths({ main: 0, retry: 0, deadLetter: 4 }) });
    expect(Object.keys(await samples(registry, WAITING))).toEqual([
      waiting('queue'),
      waiting('retry'),
      waiting('dead_letter'),
    ]);
  });
});
