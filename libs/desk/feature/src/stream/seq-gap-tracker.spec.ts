import { SeqGapTracker } from './seq-gap-tracker';

const TIMEOUT = 2_000;

describe(SeqGapTracker.name, () => {
  it('passes seqs that arrive in order, batch after batch', () => {
    const tracker = new SeqGapTracker(10, TIMEOUT);
    expect(tracker.advance([11, 12, 13], 0)).toBe(3);
    expect(tracker.cursor).toBe(13);
    expect(tracker.advance([], 10)).toBe(0);
    expect(tracker.advance([14], 20)).toBe(1);
    expect(tracker.cursor).toBe(14);
    expect(tracker.waiting).toBe(false);
  });

  it('holds what follows a gap until the missing seq commits', () => {
    const tracker = new SeqGapTracker(10, TIMEOUT);
    // 12 committed before 11.
    expect(tracker.advance([12], 0)).toBe(0);
    expect(tracker.cursor).toBe(10);
    expect(tracker.waiting).toBe(true);
    expect(tracker.advance([12], 500)).toBe(0);
    // 11 commits late: both go, 11 first.
    expect(tracker.advance([11, 12], 900)).toBe(2);
    expect(tracker.cursor).toBe(12);
    expect(tracker.waiting).toBe(false);
  });

  it('delivers the prefix before a gap and holds the rest', () => {
    const tracker = new SeqGapTracker(0, TIMEOUT);
    expect(tracker.advance([1, 2, 4, 5], 0)).toBe(2);
    expect(tracker.cursor).toBe(2);
    expect(tracker.advance([4, 5], 100)).toBe(0);
    expect(tracker.advance([3, 4, 5], 200)).toBe(3);
    expect(tracker.cursor).toBe(5);
  });

  it('gives up on a gap after the timeout (a rolled-back insert)', () => {
    const tracker = new SeqGapTracker(10, TIMEOUT);
    expect(tracker.advance([13], 1_000)).toBe(0);
    expect(tracker.advance([13], 1_000 + TIMEOUT - 1)).toBe(0);
    expect(tracker.advance([13, 14], 1_000 + TIMEOUT)).toBe(2);
    expect(tracker.cursor).toBe(14);
    expect(tracker.waiting).toBe(false);
  });

  it('times each gap from when it was first seen', () => {
    const tracker = new SeqGapTracker(0, TIMEOUT);
    expect(tracker.advance([2], 0)).toBe(0);
    // 4 is first seen missing at 1000, 1 at 0.
    expect(tracker.advance([2, 3, 5], 1_000)).toBe(0);
    // 1 given up, 2 and 3 go; 4 still young.
    expect(tracker.advance([2, 3, 5], TIMEOUT)).toBe(2);
    expect(tracker.cursor).toBe(3);
    expect(tracker.advance([5], 1_000 + TIMEOUT - 1)).toBe(0);
    expect(tracker.advance([5], 1_000 + TIMEOUT)).toBe(1);
    expect(tracker.cursor).toBe(5);
  });

  it('handles many gaps filled in any order', () => {
    const tracker = new SeqGapTracker(100, TIMEOUT);
    const committed = new Set<number>();
    const visible = (): number[] =>
      [...committed].filter((seq) => seq > tracker.cursor).sort((a, b) => a - b);
    const delivered: number[] = [];
    const read = (now: number): void => {
      const seqs = visible();
      delivered.push(...seqs.slice(0, tracker.advance(seqs, now)));
    };
    // Commit order of seqs 101..120: evens first, then odds backwards, one read after each.
    const order = [
      ...Array.from({ length: 10 }, (_, i) => 102 + 2 * i),
      ...Array.from({ length: 10 }, (_, i) => 119 - 2 * i),
    ];
    order.forEach((seq, index) => {
      committed.add(seq);
      read(index * 10);
    });
    expect(delivered).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(tracker.cursor).toBe(120);
  });

  it('skips a wide rolled-back range in one step once it is old enough', () => {
    const tracker = new SeqGapTracker(0, TIMEOUT);
    expect(tracker.advance([1, 100_001], 0)).toBe(1);
    expect(tracker.advance([100_001], TIMEOUT)).toBe(1);
    expect(tracker.cursor).toBe(100_001);
  });

  it('remembers gaps beyond a held batch (a limited read does not reset their clocks)', () => {
    const tracker = new SeqGapTracker(0, TIMEOUT);
    expect(tracker.advance([2, 4], 0)).toBe(0);
    // Later reads still see 3 missing since 0.
    expect(tracker.advance([1, 2, 4], 1_500)).toBe(2);
    expect(tracker.advance([4], TIMEOUT)).toBe(1);
    expect(tracker.cursor).toBe(4);
  });
});
