/** Failures counted together when each follows the previous one within this window. */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Failures allowed before sign-in is refused for a while. */
export const LOGIN_FAILURES_BEFORE_LOCKOUT = 5;
/** The first lockout; each further failure doubles it. */
export const LOGIN_FIRST_LOCKOUT_MS = 30 * 1000;
export const LOGIN_MAX_LOCKOUT_MS = 15 * 60 * 1000;

/**
 * How long to refuse sign-in after the `failures`-th failure in a row: nothing before the limit,
 * then 30 s, 1 min, 2 min, … doubling up to 15 min.
 */
export function lockoutMs(failures: number): number {
  if (failures < LOGIN_FAILURES_BEFORE_LOCKOUT) {
    return 0;
  }
  const doublings = Math.min(failures - LOGIN_FAILURES_BEFORE_LOCKOUT, 30);
  return Math.min(LOGIN_FIRST_LOCKOUT_MS * 2 ** doublings, LOGIN_MAX_LOCKOUT_MS);
}

/** Whole seconds until `until`, at least 1 (what Retry-After carries). */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** The counters a sign-in attempt is throttled by. */
export function throttleSubjects(email: string, ip: string): { email: string; ip: string } {
  return { email: `email:${email}`, ip: `ip:${ip}` };
}
