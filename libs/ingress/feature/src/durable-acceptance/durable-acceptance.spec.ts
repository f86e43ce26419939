import { createEnvelope, RoutingKeys, type EventEnvelope } from '@wechat-desk/contracts';
import { loadConfig } from '@wechat-desk/shared/config';
import type { ConfirmPublisher, OutboxRelay } from '@wechat-desk/shared/messaging';
import { HealthRegistry, MetricsRegistry } from '@wechat-desk/shared/observability';

import type { PushSpoolRepository } from '../data-access/push-spool.repository';
import { IngressMetrics } from '../ingress-metrics';
import { DurableAcceptance, NotDurableError } from './durable-acceptance';

/** RabbitMQ and the spool as a test scripts them: each call answers what the test set. */
class ScriptedPublisher {
  ready = true;
  failWith: Error | null = null;
  readonly published: string[] = [];

  publish(envelope: EventEnvelope): Promise<void> {
    if (this.failWith !== null) {
      return Promise.reject(this.failWith);
    }
    this.published.push(envelope.id);
    return Promise.resolve();
  }
}

class ScriptedSpool {
  failWith: Error | null = null;
  hangs = false;
  readonly rows: string[] = [];

  writes = 0;

  addAll(envelopes: readonly EventEnvelope[]): Promise<void> {
    this.writes += 1;
    if (this.hangs) {
      return new Promise(() => undefined);
    }
    if (this.failWith !== null) {
      return Promise.reject(this.failWith);
    }
    this.rows.push(...envelopes.map((envelope) => envelope.id));
    return Promise.resolve();
  }

  depth(): Promise<number> {
    return this.failWith === null
      ? Promise.resolve(this.rows.length)
      : Promise.reject(this.failWith);
  }
}

class ScriptedRelay {
  private listener: ((hasBacklog: boolean) => void) | null = null;

  onBacklog(listener: (hasBacklog: boolean) => void): void {
    this.listener = listener;
  }

  reports(hasBacklog: boolean): void {
    this.listener?.(hasBacklog);
  }
}

function push(): EventEnvelope {
  return createEnvelope(RoutingKeys.channelUpdated, {});
}

function setUp() {
  const publisher = new ScriptedPublisher();
  const spool = new ScriptedSpool();
  const relay = new ScriptedRelay();
  const health = new HealthRegistry();
  const config = loadConfig({ NODE_ENV: 'test', INGRESS_SPOOL_TIMEOUT_MS: '50' });
  const acceptance = new DurableAcceptance(
    publisher as unknown as ConfirmPublisher,
    spool as unknown as PushSpoolRepository,
    relay as unknown as OutboxRelay,
    health,
    new IngressMetrics(new MetricsRegistry('ingress')),
    config,
  );
  acceptance.onModuleInit();
  return { publisher, spool, relay, health, acceptance };
}

describe(DurableAcceptance.name, () => {
  it('publishes when RabbitMQ confirms, and writes nothing to the spool', async () => {
    const { publisher, spool, acceptance } = setUp();
    const envelope = push();
    await expect(acceptance.accept(envelope)).resolves.toBe('published');
    expect(publisher.published).toEqual([envelope.id]);
    expect(spool.rows).toEqual([]);
  });

  it('spools a push RabbitMQ did not confirm, and spools the next ones behind it until the relay reports the spool empty', async () => {
    const { publisher, spool, relay, acceptance } = setUp();
    publisher.failWith = new Error('RabbitMQ did not confirm in time');
    const first = push();
    await expect(acceptance.accept(first)).resolves.toBe('spooled');
    publisher.failWith = null;
    const second = push();
    await expect(acceptance.accept(second)).resolves.toBe('spooled');
    expect(spool.rows).toEqual([first.id, second.id]);
    expect(publisher.published).toEqual([]);
    relay.reports(false);
    const third = push();
    await expect(acceptance.accept(third)).resolves.toBe('published');
    expect(publisher.published).toEqual([third.id]);
  });

  it('spools pushes that arrive together in as few writes as possible, in arrival order', async () => {
    const { publisher, spool, acceptance } = setUp();
    publisher.failWith = new Error('RabbitMQ is not connected');
    const pushes = Array.from({ length: 20 }, () => push());
    const answers = await Promise.all(pushes.map((envelope) => acceptance.accept(envelope)));
    expect(answers.every((answer) => answer === 'spooled')).toBe(true);
    expect(spool.rows).toEqual(pushes.map((envelope) => envelope.id));
    expect(spool.writes).toBeLessThan(20);
  });

  it('fails with NotDurableError when neither RabbitMQ nor the spool takes the push', async () => {
    const { publisher, spool, acceptance } = setUp();
    publisher.failWith = new Error('connection closed');
    spool.failWith = new Error('connect ECONNREFUSED');
    await expect(acceptance.accept(push())).rejects.toThrow(NotDurableError);
    await expect(acceptance.accept(push())).rejects.toThrow('connect ECONNREFUSED');
  });

  it('fails with NotDurableError when the spool does not answer in time', async () => {
    const { publisher, spool, acceptance } = setUp();
    publisher.failWith = new Error('connection closed');
    spool.hangs = true;
    await expect(acceptance.accept(push())).rejects.toThrow(/spool write .*timed out/);
  });

  it('publishes directly when the spool has a backlog but cannot be written, rather than refusing', async () => {
    const { publisher, spool, relay, acceptance } = setUp();
    relay.reports(true);
    spool.failWith = new Error('connect ECONNREFUSED');
    const envelope = push();
    await expect(acceptance.accept(envelope)).resolves.toBe('published');
    expect(publisher.published).toEqual([envelope.id]);
  });

  it('is ready while RabbitMQ or the spool can take pushes, and not when neither can', async () => {
    const { publisher, spool, health } = setUp();
    health.register('rabbitmq', () => publisher.ready);
    health.register('postgres', async () => (await spool.depth()) >= 0);
    publisher.ready = false;
    expect((await health.evaluate()).ready).toBe(true);
    spool.failWith = new Error('down');
    expect(await health.evaluate()).toEqual({
      ready: false,
      checks: { 'durable-acceptance': 'down', rabbitmq: 'down', postgres: 'down' },
    });
    publisher.ready = true;
    expect((await health.evaluate()).ready).toBe(true);
  });
});
