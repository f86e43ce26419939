import { decideOnFailure, type FailureDecision } from './retry-policy';

describe(decideOnFailure.name, () => {
  const delays = [1_000, 5_000, 30_000] as const;

  it('dead-letters a non-retryable failure at once, whatever the attempt and budget', () => {
    for (const attempt of [1, 2, 5, 99]) {
      expect(decideOnFailure(attempt, 5, delays, false)).toEqual<FailureDecision>({
        action: 'dead-letter',
        reason: 'NON_RETRYABLE',
      });
    }
    expect(decideOnFailure(1, 5, [], false)).toEqual({
      action: 'dead-letter',
      reason: 'NON_RETRYABLE',
    });
  });

  it('retries each attempt below the limit with the delay of that step and the next attempt number', () => {
    expect(decideOnFailure(1, 5, delays, true)).toEqual<FailureDecision>({
      action: 'retry',
      nextAttempt: 2,
      delayMs: 1_000,
    });
    expect(decideOnFailure(2, 5, delays, true)).toEqual<FailureDecision>({
      action: 'retry',
      nextAttempt: 3,
      delayMs: 5_000,
    });
    expect(decideOnFailure(3, 5, delays, true)).toEqual<FailureDecision>({
      action: 'retry',
      nextAttempt: 4,
      delayMs: 30_000,
    });
  });

  it('repeats the last delay once the list is used up', () => {
    expect(decideOnFailure(4, 10, delays, true)).toEqual({
      action: 'retry',
      nextAttempt: 5,
      delayMs: 30_000,
    });
    expect(decideOnFailure(9, 10, delays, true)).toEqual({
      action: 'retry',
      nextAttempt: 10,
      delayMs: 30_000,
    });
    expect(decideOnFailure(3, 10, [250], true)).toEqual({
      action: 'retry',
      nextAttempt: 4,
      delayMs: 250,
    });
  });

  it('dead-letters when the failed attempt was the last one allowed (first attempt included)', () => {
    expect(decideOnFailure(5, 5, delays, true)).toEqual<FailureDecision>({
      action: 'dead-letter',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
    expect(decideOnFailure(4, 5, delays, true).action).toBe('retry');
    // Past the limit (e.g. the limit was lowered while messages were waiting to be retried).
    expect(decideOnFailure(7, 5, delays, true)).toEqual({
      action: 'dead-letter',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
  });

  it('never retries with a budget of one attempt', () => {
    expect(decideOnFailure(1, 1, delays, true)).toEqual({
      action: 'dead-letter',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
  });

  it('dead-letters instead of retrying when no delay is configured', () => {
    expect(decideOnFailure(1, 5, [], true)).toEqual({
      action: 'dead-letter',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
  });

  it('makes exactly maxAttempts - 1 retries, with delays following the list, for any budget', () => {
    for (const maxAttempts of [1, 2, 3, 5, 8]) {
      const seen: number[] = [];
      let attempt = 1;
      for (;;) {
        const decision = decideOnFailure(attempt, maxAttempts, delays, true);
        if (decision.action === 'dead-letter') {
          expect(decision.reason).toBe('ATTEMPTS_EXHAUSTED');
          break;
        }
        expect(decision.nextAttempt).toBe(attempt + 1);
        seen.push(decision.delayMs);
        attempt = decision.nextAttempt;
      }
      expect(attempt).toBe(maxAttempts);
      expect(seen).toEqual(
        Array.from({ length: maxAttempts - 1 }, (_, i) => delays[Math.min(i, delays.length - 1)]),
      );
    }
  });
});
