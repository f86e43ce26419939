/** Seqs seen missing from `from` to `to` (inclusive) since `sinceMs`. */
interface MissingRange {
  from: number;
  to: number;
  sinceMs: number;
}

/**
 * The shared read position of the live stream, safe against out-of-order commits. A bigserial
 * value is taken before its transaction commits, so seq n+1 can be visible while n is still
 * coming: the position stops before such a gap until n shows up, or until the gap has been seen
 * for `gapTimeoutMs` (then n is taken for a rolled-back insert). Everything at or below `cursor`
 * has been seen or given up on, so clients receive seqs in increasing order and a resume point
 * never skips an event still to come. Pure: the caller reads rows and tells the time.
 */
export class SeqGapTracker {
  private position: number;
  /** Highest seq ever read: gaps below it were all recorded when first seen. */
  private highestSeen: number;
  /** Ascending, disjoint, all above `position`. */
  private missing: MissingRange[] = [];

  constructor(
    start: number,
    private readonly gapTimeoutMs: number,
  ) {
    this.position = start;
    this.highestSeen = start;
  }

  get cursor(): number {
    return this.position;
  }

  /** Whether some seq is being waited for (so it is worth looking again soon). */
  get waiting(): boolean {
    return this.missing.length > 0;
  }

  /**
   * Takes the seqs read after `cursor` (ascending, as `listAfter` returns them) and answers how
   * many of them, from the first, may be delivered now; the cursor moves past those and past
   * given-up gaps right before them.
   */
  advance(seqs: readonly number[], nowMs: number): number {
    this.recordGaps(seqs, nowMs);
    let accepted = 0;
    for (const seq of seqs) {
      if (seq <= this.position) {
        // Already passed (a read that overlapped an earlier one): nothing to deliver.
        accepted += 1;
        continue;
      }
      if (seq > this.position + 1 && !this.givenUp(this.position + 1, seq - 1, nowMs)) {
        break;
      }
      this.position = seq;
      accepted += 1;
    }
    this.missing = this.missing.filter((range) => range.to > this.position);
    return accepted;
  }

  private recordGaps(seqs: readonly number[], nowMs: number): void {
    let previous = this.position;
    for (const seq of seqs) {
      // Only the part above everything read before is new; lower gaps are already recorded.
      const from = Math.max(previous + 1, this.highestSeen + 1);
      if (seq - 1 >= from) {
        this.missing.push({ from, to: seq - 1, sinceMs: nowMs });
      }
      previous = Math.max(previous, seq);
      this.highestSeen = Math.max(this.highestSeen, seq);
    }
  }

  /** Every seq from `from` to `to` has been missing for at least the timeout. */
  private givenUp(from: number, to: number, nowMs: number): boolean {
    return this.missing
      .filter((range) => range.to >= from && range.from <= to)
      .every((range) => nowMs - range.sinceMs >= this.gapTimeoutMs);
  }
}
