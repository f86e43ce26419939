import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Failed sign-in counters per subject (`email:<address>`, `ip:<address>`), in PostgreSQL so every
 * replica sees the same counts.
 */
@Injectable()
export class LoginFailureRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The latest lockout still running among the subjects, or null. */
  async lockedUntil(subjects: readonly string[], now: Date): Promise<Date | null> {
    const rows: { locked_until: Date | null }[] = await this.dataSource.query(
      `SELECT max(locked_until) AS locked_until FROM desk.login_failures
       WHERE subject = ANY($1::text[]) AND locked_until > $2`,
      [[...subjects], now],
    );
    return rows[0]?.locked_until ?? null;
  }

  /**
   * Counts a failure (the count restarts when the previous failure is older than the window) and
   * locks the subject until `now + lockoutMs(count)` when that is positive. Atomic per subject.
   */
  async recordFailure(
    subject: string,
    now: Date,
    windowMs: number,
    lockoutMs: (failures: number) => number,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { failures: number }[] = await manager.query(
        `INSERT INTO desk.login_failures AS f (subject, failures, last_failed_at)
         VALUES ($1, 1, $2)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN f.last_failed_at <= $2::timestamptz - make_interval(secs => $3::double precision / 1000)
                           THEN 1 ELSE f.failures + 1 END,
           last_failed_at = GREATEST(f.last_failed_at, $2)
         RETURNING failures`,
        [subject, now, windowMs],
      );
      const failures = rows[0]?.failures ?? 1;
      const lockout = lockoutMs(failures);
      if (lockout > 0) {
        await manager.query(
          `UPDATE desk.login_failures SET locked_until = GREATEST(locked_until, $2) WHERE subject = $1`,
          [subject, new Date(now.getTime() + lockout)],
        );
      }
      return failures;
    });
  }

  async clear(subject: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM desk.login_failures WHERE subject = $1`, [subject]);
  }

  /** Housekeeping: counters nobody has touched for a while mean nothing any more. */
  async deleteStale(before: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM desk.login_failures WHERE last_failed_at < $1 AND (locked_until IS NULL OR locked_until < $1)`,
      [before],
    );
  }
}
