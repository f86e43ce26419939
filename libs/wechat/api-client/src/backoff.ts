/** Errcodes that mean WeChat did nothing and may accept the same call a little later. */
export const TRY_AGAIN_ERRCODES: ReadonlySet<number> = new Set([-1, 45009, 45011]);

export interface BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { retries: 3, baseMs: 200, capMs: 2_000 };

/**
 * "Full jitter" (a random wait between 0 and the exponential bound): workers that failed
 * together do not retry together. `random` is in [0, 1).
 */
export function backoffDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * bound);
}
