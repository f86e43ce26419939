import { inspect } from 'node:util';

export interface WaitForOptions {
  /** What is awaited, in words: it names the failure. */
  description: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Default 50 ms. */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than null, undefined or false, and returns
 * that. A probe that throws counts as "not yet". On timeout the error names what was awaited and
 * the last value (or error) seen, so a failure explains itself.
 */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  let last: unknown = undefined;
  let polls = 0;
  for (;;) {
    polls += 1;
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) {
        return value;
      }
      last = value;
    } catch (error) {
      last = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      throw new Error(
        `Timed out after ${elapsed} ms (${polls} polls) waiting for ${options.description}; ` +
          `last ${last instanceof Error ? 'error' : 'value'}: ${describe(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) {
    return `${value.name}: ${value.message}`;
  }
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20 });
}
