import {
  BrokerProbe,
  closeBrokerConnections,
  createTestNamespace,
  deleteNamespace,
  TcpFaultProxy,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';

import { BrokerUnavailableError } from './errors';
import {
  createGate,
  HandlerRecorder,
  messageEnvelope,
  startConversationService,
  wechatMessage,
  type RunningService,
} from './test-support/harness';
import { topologyNames } from './topology';

// The integration project's testTimeout is not applied per project by Jest: set it here.
jest.setTimeout(30_000);

const RETRY_DELAYS_MS = [100, 200];
const CONFIRM_TIMEOUT_MS = 10_000;
const namespace = createTestNamespace('reconnect');
const names = topologyNames(namespace);

let proxy: TcpFaultProxy;
let probe: BrokerProbe;
let service: RunningService;
const recorder = new HandlerRecorder();

beforeAll(async () => {
  proxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_RABBITMQ_URL));
  probe = await BrokerProbe.open(TEST_RABBITMQ_URL);
  // The service reaches the broker through the proxy, so the test can cut its network.
  service = await startConversationService({
    recorder,
    env: {
      MESSAGING_NAMESPACE: namespace,
      RABBITMQ_URL: proxy.urlFor(TEST_RABBITMQ_URL),
      RABBITMQ_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      RABBITMQ_CONFIRM_TIMEOUT_MS: String(CONFIRM_TIMEOUT_MS),
    },
  });
});

afterAll(async () => {
  proxy?.restore();
  await service?.stop();
  await proxy?.close();
  await probe?.close();
  await deleteNamespace(TEST_RABBITMQ_URL, namespace, RETRY_DELAYS_MS);
});

afterEach(async () => {
  proxy.restore();
  await waitFor(() => service.connection.connected && service.publisher.ready, {
    description: 'the service to be connected again',
  });
});

/** Publishes from outside the service (straight to the broker) and waits for the handler. */
async function expectConsumed(description: string): Promise<void> {
  const payload = wechatMessage();
  await probe.publishRaw(
    names.exchange,
    messageEnvelope(payload).type,
    JSON.stringify(messageEnvelope(payload)),
  );
  await waitFor(() => recorder.succeededFor(payload.msgId).length === 1, {
    description,
    timeoutMs: 15_000,
  });
}

describe('when the broker closes the connection', () => {
  it('the consumer reconnects by itself and consumes what was published meanwhile and after', async () => {
    const readies = service.readyCount();

    expect(await closeBrokerConnections(service.connectionName)).toBe(1);
    const meanwhile = wechatMessage();
    await probe.publishRaw(
      names.exchange,
      messageEnvelope(meanwhile).type,
      JSON.stringify(messageEnvelope(meanwhile)),
    );

    await waitFor(() => service.readyCount() > readies, {
      description: 'the connection to be back',
      timeoutMs: 15_000,
    });
    await waitFor(() => recorder.succeededFor(meanwhile.msgId).length === 1, {
      description: 'the message published during the outage to be consumed',
    });
    await expectConsumed('a message published after the reconnect to be consumed');
    const after = wechatMessage();
    await service.publisher.publish(messageEnvelope(after));
    await waitFor(() => recorder.succeededFor(after.msgId).length === 1, {
      description: "the service's own publish to be consumed after the reconnect",
    });
  });
});

describe('when the network drops', () => {
  it('redelivers a message whose handler was running (at least once) and survives the stale ack', async () => {
    const payload = wechatMessage();
    const { gate, open } = createGate();
    recorder.behaviours.set(payload.msgId, { kind: 'gate', gate });
    await service.publisher.publish(messageEnvelope(payload));
    await waitFor(() => recorder.callsFor(payload.msgId).length === 1, {
      description: 'the handler to start',
    });

    proxy.cut();
    await waitFor(() => !service.connection.connected, { description: 'the service to notice' });
    open(); // The handler finishes now; its ack goes to a channel that no longer exists.
    await waitFor(() => recorder.callsFor(payload.msgId)[0]?.outcome === 'ok', {
      description: 'the first run to finish',
    });
    proxy.restore();

    const again = await waitFor(() => recorder.callsFor(payload.msgId)[1], {
      description: 'the redelivery',
      timeoutMs: 15_000,
    });
    expect(again).toMatchObject({ redelivered: true, attempt: 1 });
    await waitFor(() => again.outcome === 'ok', { description: 'the redelivery to be handled' });
  });

  it('rejects a publish at once with BrokerUnavailableError while disconnected (no hang)', async () => {
    proxy.cut();
    await waitFor(() => !service.publisher.ready, { description: 'the publisher to be down' });

    const started = Date.now();
    await expect(service.publisher.publish(messageEnvelope())).rejects.toBeInstanceOf(
      BrokerUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(1_000);

    proxy.restore();
    await waitFor(() => service.publisher.ready, {
      description: 'the publisher to be back',
      timeoutMs: 15_000,
    });
    const payload = wechatMessage();
    await service.publisher.publish(messageEnvelope(payload));
    await waitFor(() => recorder.succeededFor(payload.msgId).length === 1, {
      description: 'the publish after the outage to be consumed',
    });
  });

  it('rejects a publish awaiting its confirm with BrokerUnavailableError when the connection dies', async () => {
    proxy.blackhole(); // The publish leaves, no confirm comes back…
    const started = Date.now();
    const pending = service.publisher.publish(messageEnvelope());
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.cut(); // …then the connection is gone.

    await expect(pending).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(Date.now() - started).toBeLessThan(CONFIRM_TIMEOUT_MS / 2);
  });

  it('keeps consuming across repeated drops', async () => {
    for (let drop = 1; drop <= 3; drop += 1) {
      const readies = service.readyCount();
      proxy.cut();
      proxy.restore();
      await waitFor(() => service.readyCount() > readies, {
        description: `reconnect after drop ${drop}`,
        timeoutMs: 15_000,
      });
      await expectConsumed(`a message after drop ${drop} to be consumed`);
    }
  });
});
