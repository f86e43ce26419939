import {
  DEFAULT_FLATNESS,
  lowEnvelope,
  memoryTrend,
  processMemoryVerdict,
  type MemorySample,
} from './memory-trend';

const MB = 1024 * 1024;

/**
 * A sampled process: `baseMb` plus `leakMbPerMin`, a GC sawtooth of `sawMb` (slow growth, sudden
 * drop, every 40 s) and a deterministic jitter, every `everyMs` for `minutes`.
 */
function series(options: {
  minutes: number;
  baseMb: number;
  leakMbPerMin?: number;
  sawMb?: number;
  everyMs?: number;
  warmupRiseMb?: number;
  warmupMs?: number;
}): MemorySample[] {
  const everyMs = options.everyMs ?? 5_000;
  const samples: MemorySample[] = [];
  let seed = 7;
  for (let atMs = 0; atMs <= options.minutes * 60_000; atMs += everyMs) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const jitter = (seed / 2 ** 31 - 0.5) * 2;
    const saw = ((atMs % 40_000) / 40_000) * (options.sawMb ?? 8);
    const warmup =
      options.warmupRiseMb !== undefined && atMs < (options.warmupMs ?? 0)
        ? -options.warmupRiseMb * (1 - atMs / (options.warmupMs ?? 1))
        : 0;
    const mb =
      options.baseMb + (options.leakMbPerMin ?? 0) * (atMs / 60_000) + saw + jitter + warmup;
    samples.push({ atMs, bytes: mb * MB });
  }
  return samples;
}

const judged = (samples: MemorySample[], warmupMs: number) =>
  memoryTrend(samples, { ...DEFAULT_FLATNESS, warmupMs });

describe(memoryTrend.name, () => {
  it('finds a steady process with a GC sawtooth flat, over 10 minutes and over 90 s', () => {
    const long = judged(series({ minutes: 10, baseMb: 110 }), 180_000);
    expect(long.verdict).toBe('flat');
    expect(Math.abs(long.slopeMbPerMin)).toBeLessThan(0.5);
    expect(long.warmMb).toBeGreaterThan(110);
    expect(long.endMb).toBeLessThan(119);
    expect(judged(series({ minutes: 1.5, baseMb: 110 }), 30_000).verdict).toBe('flat');
  });

  it('ignores the warm-up: heaps filling first, flat after', () => {
    const samples = series({ minutes: 10, baseMb: 120, warmupRiseMb: 60, warmupMs: 120_000 });
    expect(judged(samples, 180_000).verdict).toBe('flat');
    // Judged from the start, the same run is a rise.
    expect(judged(samples, 0).verdict).toBe('growing');
  });

  it('fails a slow leak of 2.5 MB/min over 10 minutes on its slope, not its growth', () => {
    const trend = judged(series({ minutes: 10, baseMb: 110, leakMbPerMin: 2.5 }), 180_000);
    expect(trend.verdict).toBe('growing');
    expect(trend.growthMb).toBeLessThan(trend.growthLimitMb);
    expect(trend.slopeMbPerMin).toBeGreaterThan(2);
    expect(trend.slopeMbPerMin).toBeLessThan(3);
    expect(trend.reason).toMatch(/^slope 2\.\d\d MB\/min, over 1\.50 MB\/min$/);
  });

  it('does not call the same slow leak in a 90 s run: the noise cannot tell it apart', () => {
    const trend = judged(series({ minutes: 1.5, baseMb: 110, leakMbPerMin: 2.5 }), 30_000);
    expect(trend.verdict).toBe('flat');
    expect(trend.slopeLimitMbPerMin).toBeGreaterThan(trend.slopeMbPerMin);
  });

  it('fails a gross leak in a 90 s run', () => {
    const trend = judged(series({ minutes: 1.5, baseMb: 110, leakMbPerMin: 40 }), 30_000);
    expect(trend.verdict).toBe('growing');
    expect(trend.reason).toMatch(/^grew \d+\.\d MB, over 24\.0 MB$/);
  });

  it('fails a step up that stays, by the medians of the thirds', () => {
    const samples = series({ minutes: 10, baseMb: 200, sawMb: 2 }).map((sample) => ({
      ...sample,
      bytes: sample.bytes + (sample.atMs > 480_000 ? 40 * MB : 0),
    }));
    const trend = judged(samples, 180_000);
    expect(trend.verdict).toBe('growing');
    expect(trend.growthLimitMb).toBeCloseTo(0.15 * trend.warmMb, 5);
    expect(trend.growthMb).toBeGreaterThan(trend.growthLimitMb);
  });

  it('does not count climbing back to a level held during warm-up as growth', () => {
    // Resident at 150 MB by the end of the warm-up, the allocator gives 40 MB back just before it
    // ends, and takes it again over the next 100 s (seen on outbound, 30 MB, in a 300 s soak).
    const samples = series({ minutes: 5, baseMb: 110, sawMb: 1, everyMs: 3_000 }).map((s) => {
      const atS = s.atMs / 1000;
      const lift = atS < 140 ? 40 : atS < 150 ? 0 : Math.min(40, ((atS - 150) / 100) * 40);
      return { ...s, bytes: s.bytes + lift * MB };
    });
    const trend = judged(samples, 150_000);
    expect(trend.highWaterMb).toBeGreaterThan(150);
    expect(trend.endMb - trend.warmMb).toBeGreaterThan(trend.growthLimitMb);
    expect(trend.growthMb).toBeLessThan(1);
    // Past that level by more than the tolerance, it is growth again.
    const grown = samples.map((s) => ({
      ...s,
      bytes: s.bytes + (s.atMs > 200_000 ? 30 * MB : 0),
    }));
    expect(judged(grown, 150_000).verdict).toBe('growing');
  });

  it('is not failed by one GC peak in the last third', () => {
    const samples = series({ minutes: 10, baseMb: 110 });
    const last = samples[samples.length - 2];
    if (last !== undefined) {
      last.bytes += 80 * MB;
    }
    expect(judged(samples, 180_000).verdict).toBe('flat');
  });

  it('does not judge a handful of samples', () => {
    const trend = judged(series({ minutes: 1, baseMb: 110, everyMs: 20_000 }), 30_000);
    expect(trend.verdict).toBe('too few samples');
    expect(trend.reason).toBe('2 samples after warm-up, 6 needed');
    expect(judged([], 0).verdict).toBe('too few samples');
  });

  it('finds a shrinking process flat', () => {
    expect(judged(series({ minutes: 10, baseMb: 200, leakMbPerMin: -3 }), 180_000).verdict).toBe(
      'flat',
    );
  });
});

describe(lowEnvelope.name, () => {
  /** A flat floor of 32 MB under a sawtooth whose height grows from 4 to 14 MB (V8 warming). */
  const warmingSawtooth = (): MemorySample[] =>
    Array.from({ length: 36 }, (_, index) => {
      const atMs = 45_000 + index * 3_000;
      const height = 4 + (10 * index) / 35;
      return { atMs, bytes: (32 + ((atMs % 24_000) / 24_000) * height) * MB };
    });

  it('keeps the lowest sample of each window, in order', () => {
    const samples = [5, 3, 9, 4, 8, 2, 7].map((mb, index) => ({
      atMs: index * 10_000,
      bytes: mb * MB,
    }));
    expect(lowEnvelope(samples, 30_000)).toEqual([
      { atMs: 10_000, bytes: 3 * MB },
      { atMs: 50_000, bytes: 2 * MB },
      { atMs: 60_000, bytes: 7 * MB },
    ]);
    expect(lowEnvelope([], 30_000)).toEqual([]);
  });

  it('finds a growing sawtooth over a flat floor flat, where the raw samples climb', () => {
    const options = { ...DEFAULT_FLATNESS, warmupMs: 0, minSamples: 4 };
    const raw = memoryTrend(warmingSawtooth(), options);
    const troughs = memoryTrend(lowEnvelope(warmingSawtooth(), 30_000), options);
    expect(raw.slopeMbPerMin).toBeGreaterThan(2);
    expect(troughs.verdict).toBe('flat');
    expect(Math.abs(troughs.slopeMbPerMin)).toBeLessThan(0.5);
  });

  it('keeps a leak: the troughs rise with what is retained', () => {
    const leaking = series({ minutes: 10, baseMb: 40, leakMbPerMin: 2.5, sawMb: 12 });
    const troughs = memoryTrend(lowEnvelope(leaking, 30_000), {
      ...DEFAULT_FLATNESS,
      warmupMs: 180_000,
    });
    expect(troughs.verdict).toBe('growing');
    expect(troughs.slopeMbPerMin).toBeGreaterThan(2);
    expect(troughs.slopeMbPerMin).toBeLessThan(3);
  });
});

describe(processMemoryVerdict.name, () => {
  const flatHeap = judged(series({ minutes: 10, baseMb: 40 }), 180_000);

  it('passes a resident set that creeps up in steps while the heap in use stays flat', () => {
    const creepingRss = judged(series({ minutes: 10, baseMb: 110, leakMbPerMin: 2 }), 180_000);
    expect(creepingRss.verdict).toBe('growing');
    expect(processMemoryVerdict(creepingRss, flatHeap)).toEqual({ flat: true, reason: '' });
  });

  it('fails a leak in the heap in use, whatever the resident set shows', () => {
    const flatRss = judged(series({ minutes: 10, baseMb: 110 }), 180_000);
    const leakingHeap = judged(series({ minutes: 10, baseMb: 40, leakMbPerMin: 2.5 }), 180_000);
    const verdict = processMemoryVerdict(flatRss, leakingHeap);
    expect(verdict.flat).toBe(false);
    expect(verdict.reason).toMatch(/^heap used growing: slope 2\.\d\d MB\/min/);
  });

  it('fails a resident set that grew past the tolerance, though the heap is flat', () => {
    const grownRss = judged(series({ minutes: 10, baseMb: 110, leakMbPerMin: 8 }), 180_000);
    const verdict = processMemoryVerdict(grownRss, flatHeap);
    expect(verdict.flat).toBe(false);
    expect(verdict.reason).toMatch(/^RSS grew \d+\.\d MB, over 24\.0 MB$/);
  });

  it('fails what it cannot judge', () => {
    const few = judged([], 0);
    expect(processMemoryVerdict(few, flatHeap)).toEqual({
      flat: false,
      reason: 'RSS: 0 samples after warm-up, 6 needed',
    });
    expect(processMemoryVerdict(flatHeap, few).flat).toBe(false);
  });
});
