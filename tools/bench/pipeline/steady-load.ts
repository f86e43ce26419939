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
  await paceAtSteadyRate(pushes, ratePerSecond, (push) => sendOne(agent, target, push, sent));
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

function sendOne(agent: Agent, target: URL, push: WirePush, sent: SentPush[]): Promise<void> {
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
          resolveSend();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolveSend());
    req.end(push.body);
  });
}
