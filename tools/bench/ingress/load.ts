import autocannon from 'autocannon';

import type { WirePush } from './pushes';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  durationS: number;
  /** 2xx answers per second. */
  pushesPerSecond: number;
  ok: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Milliseconds, of 2xx answers (autocannon's histogram has 1 ms resolution). */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/** Hands out the pre-generated pushes in order, cycling, shared by every connection. */
export class PushCursor {
  private next = 0;

  constructor(private pushes: readonly WirePush[]) {}

  replace(pushes: readonly WirePush[]): void {
    this.pushes = pushes;
  }

  reset(): void {
    this.next = 0;
  }

  take(): WirePush {
    const push = this.pushes[this.next % this.pushes.length];
    this.next++;
    if (push === undefined) {
      throw new Error('no pushes to send');
    }
    return push;
  }
}

/**
 * One autocannon run: `connections` keep-alive connections, each sending the next push of the
 * shared cursor as soon as its previous one was answered.
 */
export async function runLoad(options: LoadOptions, cursor: PushCursor): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const push = cursor.take();
          return {
            ...request,
            method: 'POST',
            path: push.path,
            headers: { 'content-type': 'text/xml' },
            body: push.body,
          };
        },
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
  }
  return {
    durationS: result.duration,
    pushesPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  };
}
