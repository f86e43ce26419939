import { Agent, request } from 'node:http';

import type { WirePush } from '../ingress/pushes';

export interface SentPush {
  openId: string;
  sentAtMs: number;
  /** When the ingress answered; null while in flight or when the request failed. */
  ackedAtMs: number | null;
  status: number | null;
}

/**
 * Sends pushes at a fixed rate, on time whatever the answers do (an open-loop generator: a slow
 * system meets the same arrivals, so its queueing shows in the latencies instead of lowering
 * the rate).
 */
export async function sendAtSteadyRate(
  ingressUrl: string,
  pushes: readonly WirePush[],
  ratePerSecond: number,
): Promise<SentPush[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL(ingressUrl);
  const sent: SentPush[] = [];
  await paceAtSteadyRate(pushes, ratePerSecond, async (push) => {
    await sendOne(agent, target, push, sent);
  });
  agent.destroy();
  return sent;
}

/**
 * Starts `send` for item n at n / rate seconds from now, on time whatever earlier sends do (open
 * loop), and resolves once every send has settled.
 */
export async function paceAtSteadyRate<T>(
  items: readonly T[],
  ratePerSecond: number,
  send: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const inFlight: Array<Promise<void>> = [];
  const startedAtMs = Date.now();
  let next = 0;
  await new Promise<void>((resolveSchedule) => {
    const tick = (): void => {
      const due = Math.min(
        items.length,
        Math.floor(((Date.now() - startedAtMs) / 1000) * ratePerSecond),
      );
      while (next < due) {
        const item = items[next];
        const index = next;
        next += 1;
        if (item !== undefined) {
          inFlight.push(send(item, index));
        }
      }
      if (next >= items.length) {
        resolveSchedule();
        return;
      }
      setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all(inFlight);
}

export interface ClosedLoopOptions {
  /** Pushes outstanding at any moment (sent, not yet settled). */
  window: number;
  /** No push is sent from then on; resolves once the outstanding ones have settled. */
  stopAtMs: number;
  /** Resolves when a push the ingress took (200) is done, e.g. its ticket announced. */
  settled: (push: SentPush) => Promise<void>;
}

/**
 * Keeps `window` pushes outstanding: each of `window` lanes sends a push, waits until `settled`
 * says it is done, then sends the next (a closed-loop generator: the system sets the pace, so it
 * runs at its capacity with a backlog of at most `window` instead of one that keeps growing).
 * A push the ingress did not take (not 200, or no answer) settles at once, after a short pause.
 */
export async function sendInClosedLoop(
  ingressUrl: string,
  pushes: readonly WirePush[],
  options: ClosedLoopOptions,
): Promise<SentPush[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(1, options.window) });
  const target = new URL(ingressUrl);
  const sent: SentPush[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (Date.now() < options.stopAtMs && next < pushes.length) {
      const push = pushes[next];
      next += 1;
      if (push === undefined) {
        continue;
      }
      const record = await sendOne(agent, target, push, sent);
      if (record.status === 200) {
        await options.settled(record);
      } else {
        await new Promise((resolveSleep) => setTimeout(resolveSleep, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: options.window }, () => lane()));
  agent.destroy();
  return sent;
}

function sendOne(agent: Agent, target: URL, push: WirePush, sent: SentPush[]): Promise<SentPush> {
  const record: SentPush = {
    openId: push.openId,
    sentAtMs: Date.now(),
    ackedAtMs: null,
    status: null,
  };
  sent.push(record);
  return new Promise((resolveSend) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: push.path,
        headers: { 'Content-Type': 'text/xml', 'Content-Length': push.body.length },
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          record.ackedAtMs = Date.now();
          record.status = response.statusCode ?? null;
          resolveSend(record);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolveSend(record));
    req.end(push.body);
  });
}
