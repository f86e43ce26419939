import { request as httpRequest } from 'node:http';

import { waitFor } from '@wechat-desk/shared/testing';
import { generateEncodingAesKey } from '@wechat-desk/wechat/crypto';
import {
  buildPush,
  randomMsgId,
  textMessage,
  type BuiltPush,
  type PushTarget,
  verifyCallbackUrl,
} from '@wechat-desk/wechat/push-client';

import { IngressHarness, type TestChannel } from '../test-support/ingress-harness';

/**
 * The ingress in this process against the real PostgreSQL, RabbitMQ and Redis, each behind a TCP
 * proxy the test breaks: what WeChat gets answered, and what reaches the conversation queue.
 */

let ingress: IngressHarness;
const secretsSeen: string[] = [];
const logged: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

function captureLogs(stream: NodeJS.WriteStream, original: typeof process.stdout.write): void {
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return Reflect.apply(original, stream, [chunk, ...rest]) as boolean;
  };
}

beforeAll(async () => {
  captureLogs(process.stdout, writes.stdout);
  captureLogs(process.stderr, writes.stderr);
  ingress = await IngressHarness.start('ingress_push', { LOG_LEVEL: 'debug' });
});

afterEach(() => {
  // A failed test must not leave the next one without its dependencies.
  for (const proxy of [ingress.broker, ingress.postgres, ingress.redis]) {
    proxy.restore();
  }
});

afterAll(async () => {
  await ingress?.stop();
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});

async function channelReady(overrides: Partial<TestChannel> = {}): Promise<TestChannel> {
  const channel = { ...ingress.newChannel(), ...overrides };
  secretsSeen.push(
    channel.secrets.token,
    channel.secrets.encodingAesKey,
    channel.secrets.appSecret,
  );
  await ingress.announce(channel);
  const target = ingress.target(channel);
  // Known to the ingress once a GET check succeeds.
  await waitFor(async () => (await verifyUrl(target)) === 200, {
    description: 'the ingress knows the channel',
    timeoutMs: 5_000,
  });
  return channel;
}

async function verifyUrl(target: PushTarget): Promise<number> {
  return (await verifyCallbackUrl(target)).status;
}

function textPush(
  target: PushTarget,
  options: { msgId?: string; content?: string; timestamp?: string; nonce?: string } = {},
): BuiltPush & { msgId: string } {
  const msgId = options.msgId ?? randomMsgId();
  const inner = textMessage({
    toUserName: 'gh_0123456789ab',
    fromUserName: 'oCustomer_1',
    content: options.content ?? `你好 ${msgId} 👋`,
    msgId,
  });
  return {
    ...buildPush(target, inner, {
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    }),
    msgId,
  };
}

async function send(push: BuiltPush): Promise<{ status: number; body: string }> {
  const response = await fetch(push.url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body: push.body,
  });
  return { status: response.status, body: await response.text() };
}

async function publishedMsgIds(): Promise<string[]> {
  return (await ingress.takePublished()).map((envelope) => String(envelope.data['msgId']));
}

describe('ingress: receiving pushes', () => {
  it.each(['secure', 'compatible', 'plaintext'] as const)(
    'a %s channel answers success only after the push is published, and publishes it once',
    async (mode) => {
      const channel = await channelReady({ encryptionMode: mode });
      const push = textPush(ingress.target(channel));
      expect(await send(push)).toEqual({ status: 200, body: 'success' });
      const published = await ingress.takePublished();
      expect(published).toHaveLength(1);
      expect(published[0]?.data).toMatchObject({
        channelId: channel.channelId,
        msgId: push.msgId,
        content: `你好 ${push.msgId} 👋`,
      });
    },
  );

  it('refuses a push in another mode than the channel’s with 400 and publishes nothing', async () => {
    const channel = await channelReady({ encryptionMode: 'secure' });
    const plaintext = textPush({ ...ingress.target(channel), mode: 'plaintext' });
    expect((await send(plaintext)).status).toBe(400);
    expect(await ingress.takePublished()).toEqual([]);
  });

  it('answers each refusal with the status the contract names, and publishes nothing', async () => {
    const channel = await channelReady();
    const target = ingress.target(channel);
    const stale = textPush(target, { timestamp: String(Math.floor(Date.now() / 1000) - 301) });
    const forged = textPush({ ...target, token: 'not-the-token' });
    const otherApp = textPush({ ...target, appId: 'wxffffffffffffffff' });
    const unknownChannel = textPush({ ...target, callbackUrl: ingress.callbackUrl('nope') });
    expect((await send(stale)).status).toBe(401);
    expect((await send(forged)).status).toBe(401);
    expect((await send(otherApp)).status).toBe(400);
    expect((await send(unknownChannel)).status).toBe(404);
    const plain = await channelReady({ encryptionMode: 'plaintext' });
    const plainTarget = ingress.target(plain);
    const doctype = textPush(plainTarget);
    doctype.body = `<!DOCTYPE xml [<!ENTITY e "x">]>${doctype.body}`;
    const malformed = textPush(plainTarget);
    malformed.body = malformed.body.slice(0, -6);
    expect((await send(doctype)).status).toBe(400);
    expect((await send(malformed)).status).toBe(400);
    expect(await ingress.takePublished()).toEqual([]);
  });

  it('refuses a nonce used again for another message with 401, and accepts WeChat’s identical retry', async () => {
    const channel = await channelReady({ encryptionMode: 'plaintext' });
    const target = ingress.target(channel);
    const first = textPush(target);
    const { timestamp, nonce } = Object.fromEntries(new URL(first.url).searchParams);
    const replayed = textPush(target, { ...(timestamp && { timestamp }), ...(nonce && { nonce }) });
    expect(await send(first)).toEqual({ status: 200, body: 'success' });
    expect(await send(first)).toEqual({ status: 200, body: 'success' });
    expect(await send(replayed)).toEqual({ status: 401, body: 'replayed_nonce' });
    expect(await publishedMsgIds()).toEqual([first.msgId, first.msgId]);
  });

  it('answers success for a disabled channel and publishes nothing', async () => {
    const channel = await channelReady();
    const disabledCount = new RegExp(
      `ingress_pushes_total\\{channel="${channel.channelId}",type="message\\.text",outcome="disabled"[^}]*\\} ([0-9]+)`,
    );
    await ingress.announce({ ...channel, version: 2, enabled: false });
    await waitFor(
      async () => {
        await send(textPush(ingress.target(channel)));
        return disabledCount.test(await ingress.metrics());
      },
      { description: 'the disabled state reached the ingress' },
    );
    await ingress.takePublished();
    expect(await send(textPush(ingress.target(channel)))).toEqual({ status: 200, body: 'success' });
    expect(await ingress.takePublished()).toEqual([]);
  });

  it('picks up a new channel and a rotated key within a second, keeping the previous key', async () => {
    const channel = ingress.newChannel();
    const announcedAt = Date.now();
    await ingress.announce(channel);
    await waitFor(async () => (await send(textPush(ingress.target(channel)))).status === 200, {
      description: 'a push to the new channel is accepted',
      timeoutMs: 1_000,
      intervalMs: 20,
    });
    const firstSeenMs = Date.now() - announcedAt;
    const oldKey = channel.secrets.encodingAesKey;
    const rotated: TestChannel = {
      ...channel,
      version: 2,
      secrets: {
        ...channel.secrets,
        encodingAesKey: generateEncodingAesKey(),
        previousEncodingAesKey: oldKey,
      },
    };
    const rotatedAt = Date.now();
    await ingress.announce(rotated);
    await waitFor(async () => (await send(textPush(ingress.target(rotated)))).status === 200, {
      description: 'a push with the rotated key is accepted',
      timeoutMs: 1_000,
      intervalMs: 20,
    });
    expect(firstSeenMs).toBeLessThan(1_000);
    expect(Date.now() - rotatedAt).toBeLessThan(1_000);
    expect((await send(textPush(ingress.target(rotated, oldKey)))).status).toBe(200);
    await ingress.takePublished();
  });

  it('refuses a body over 1 MiB with 413 from its Content-Length, before reading it', async () => {
    const channel = await channelReady();
    const push = textPush(ingress.target(channel));
    // Declares 2 MiB and sends none of it: only an answer that did not wait for the body arrives.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(push.url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': String(2 * 1024 * 1024) },
      });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
    const chunked = await fetch(push.url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: new ReadableStream({
        start(controller) {
          const chunk = new TextEncoder().encode('<xml>'.padEnd(64 * 1024, ' '));
          for (let i = 0; i < 17; i += 1) {
            controller.enqueue(chunk);
          }
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(await ingress.takePublished()).toEqual([]);
  });
});

describe('ingress: durability when RabbitMQ, PostgreSQL or Redis fail', () => {
  it('spools pushes while RabbitMQ is unreachable and relays each once, in order of arrival, when it is back', async () => {
    const channel = await channelReady();
    const target = ingress.target(channel);
    ingress.broker.cut();
    const pushes = Array.from({ length: 12 }, (_, i) => textPush(target, { content: `#${i}` }));
    for (const push of pushes) {
      expect(await send(push)).toEqual({ status: 200, body: 'success' });
    }
    expect(await ingress.spoolDepth()).toBe(12);
    expect(await ingress.metrics()).toMatch(/ingress_fallback_depth\{[^}]*\} 12\n/);
    expect(await ingress.metrics()).toMatch(/outcome="spooled"[^}]*\} 12\n/);
    ingress.broker.restore();
    await waitFor(async () => (await ingress.spoolDepth()) === 0, {
      description: 'the spool drained',
      timeoutMs: 20_000,
    });
    // Sent after the spool drained: published directly again.
    const after = textPush(target);
    expect(await send(after)).toEqual({ status: 200, body: 'success' });
    expect(await publishedMsgIds()).toEqual([...pushes.map((push) => push.msgId), after.msgId]);
  });

  it('spools a push RabbitMQ does not confirm in time, and relays it once RabbitMQ answers again', async () => {
    const channel = await channelReady();
    const push = textPush(ingress.target(channel));
    ingress.broker.blackhole();
    const started = Date.now();
    expect(await send(push)).toEqual({ status: 200, body: 'success' });
    // Publish timeout (300 ms here) plus the spool write, far inside WeChat's 5 s.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await ingress.spoolDepth()).toBe(1);
    // The half-dead connection is dropped, as its heartbeat would, and RabbitMQ is back.
    ingress.broker.cut();
    ingress.broker.restore();
    await waitFor(async () => (await ingress.spoolDepth()) === 0, {
      description: 'the spool drained',
      timeoutMs: 20_000,
    });
    expect(await publishedMsgIds()).toEqual([push.msgId]);
  });

  it('answers 503 when neither RabbitMQ nor PostgreSQL can take a push, and accepts WeChat’s retry of it afterwards', async () => {
    const channel = await channelReady();
    const push = textPush(ingress.target(channel));
    ingress.broker.cut();
    ingress.postgres.cut();
    expect((await send(push)).status).toBe(503);
    const ready = await fetch(`${ingress.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    ingress.postgres.restore();
    ingress.broker.restore();
    // WeChat's retry: the identical request, same timestamp and nonce.
    await waitFor(async () => (await send(push)).status === 200, {
      description: 'the retry is accepted',
      timeoutMs: 20_000,
    });
    await waitFor(async () => (await ingress.spoolDepth()) === 0, {
      description: 'the spool drained',
      timeoutMs: 20_000,
    });
    const published = await publishedMsgIds();
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(new Set(published)).toEqual(new Set([push.msgId]));
  });

  it('keeps accepting pushes with PostgreSQL unreachable (no database read per push) and with Redis down', async () => {
    const channel = await channelReady();
    const target = ingress.target(channel);
    ingress.postgres.cut();
    ingress.redis.cut();
    const pushes = [textPush(target), textPush(target)];
    for (const push of pushes) {
      expect(await send(push)).toEqual({ status: 200, body: 'success' });
    }
    // Replays are still refused, from this process's memory.
    const { timestamp, nonce } = Object.fromEntries(new URL(pushes[0]?.url ?? '').searchParams);
    const replay = textPush(target, { ...(timestamp && { timestamp }), ...(nonce && { nonce }) });
    expect((await send(replay)).status).toBe(401);
    expect((await fetch(`${ingress.baseUrl}/health/ready`)).status).toBe(200);
    expect(await ingress.metrics()).toMatch(/ingress_replay_guard_degraded_total\{[^}]*\} [1-9]/);
    ingress.postgres.restore();
    ingress.redis.restore();
    expect(await publishedMsgIds()).toEqual(pushes.map((push) => push.msgId));
  });

  it('never writes a channel’s secrets to its logs', () => {
    const everything = logged.join('');
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of secretsSeen) {
      expect(everything).not.toContain(secret);
    }
  });
});
