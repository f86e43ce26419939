export type FailureDecision =
  | { action: 'retry'; nextAttempt: number; delayMs: number }
  | { action: 'dead-letter'; reason: 'NON_RETRYABLE' | 'ATTEMPTS_EXHAUSTED' };

/** Pure: what to do with a message whose handler failed on `attempt` (1-based). */
export function decideOnFailure(
  attempt: number,
  maxAttempts: number,
  retryDelaysMs: readonly number[],
  retryable: boolean,
): FailureDecision {
  if (!retryable) {
    return { action: 'dead-letter', reason: 'NON_RETRYABLE' };
  }
  if (attempt >= maxAttempts || retryDelaysMs.length === 0) {
    return { action: 'dead-letter', reason: 'ATTEMPTS_EXHAUSTED' };
  }
  const delayMs = retryDelaysMs[Math.min(attempt - 1, retryDelaysMs.length - 1)] ?? 0;
  return { action: 'retry', nextAttempt: attempt + 1, delayMs };
}
