/** One reading of a process's memory (resident set or V8 heap used). */
export interface MemorySample {
  /** Milliseconds since the run started. */
  atMs: number;
  bytes: number;
}

export interface FlatnessOptions {
  /** Samples before this (ms since the start) are warm-up: heaps and caches still filling. */
  warmupMs: number;
  /** Growth allowed between the first and last third, whatever the RSS (GC sawtooth). */
  growthToleranceMb: number;
  /** Growth allowed as a share of the warm RSS, when larger than `growthToleranceMb`. */
  growthToleranceRatio: number;
  /** A slope below this is flat however certain it is (MB per minute). */
  slopeFloorMbPerMin: number;
  /** A slope counts as real only this many standard errors above zero. */
  slopeSignificance: number;
  /** Fewer post-warm-up samples than this cannot be judged. */
  minSamples: number;
}

export const DEFAULT_FLATNESS: Omit<FlatnessOptions, 'warmupMs'> = {
  growthToleranceMb: 24,
  growthToleranceRatio: 0.15,
  slopeFloorMbPerMin: 1.5,
  slopeSignificance: 3,
  minSamples: 6,
};

export type FlatnessVerdict = 'flat' | 'growing' | 'too few samples';

export interface MemoryTrend {
  samples: number;
  /** Median of the first third after warm-up (MB). */
  warmMb: number;
  /**
   * The highest sample in the second half of the warm-up (MB; 0 without one): a level the
   * process already held once its boot was over.
   */
  highWaterMb: number;
  /** Median of the last third (MB). */
  endMb: number;
  /** From the higher of `warmMb` and `highWaterMb` to `endMb`. */
  growthMb: number;
  growthLimitMb: number;
  /** Least-squares slope over the post-warm-up samples (MB per minute). */
  slopeMbPerMin: number;
  /** Its standard error: how far noise alone moves the slope over this span. */
  slopeStdErrMbPerMin: number;
  /** The slope above which the trend is a leak: the floor, or what noise cannot explain. */
  slopeLimitMbPerMin: number;
  verdict: FlatnessVerdict;
  reason: string;
}

const MB = 1024 * 1024;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Ordinary least squares of y on x: slope and its standard error. */
function fitSlope(xs: readonly number[], ys: readonly number[]): { slope: number; stdErr: number } {
  const n = xs.length;
  const meanX = xs.reduce((sum, x) => sum + x, 0) / n;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let index = 0; index < n; index++) {
    const dx = (xs[index] ?? 0) - meanX;
    sxx += dx * dx;
    sxy += dx * ((ys[index] ?? 0) - meanY);
  }
  if (sxx === 0) {
    return { slope: 0, stdErr: Number.POSITIVE_INFINITY };
  }
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let residuals = 0;
  for (let index = 0; index < n; index++) {
    const residual = (ys[index] ?? 0) - (intercept + slope * (xs[index] ?? 0));
    residuals += residual * residual;
  }
  return { slope, stdErr: n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : Number.POSITIVE_INFINITY };
}

/**
 * Whether a process's memory stayed flat after warm-up. Two independent tests, either fails it:
 * the median of the last third of samples grew past the tolerance over the median of the first
 * third (medians, so one GC peak does not decide) or over the warm-up's high-water mark, whichever
 * is higher (the allocator gives pages back in a step and takes them again over minutes: climbing
 * back to a level already held is not growth), or the least-squares slope is both material
 * (above the floor) and real (above what the residual noise explains at this span). A short run
 * has a wide standard error, so only gross leaks fail it; a long one resolves ~1–2 MB/min.
 */
export function memoryTrend(
  samples: readonly MemorySample[],
  options: FlatnessOptions,
): MemoryTrend {
  const warm = samples.filter((sample) => sample.atMs >= options.warmupMs);
  const third = Math.max(1, Math.floor(warm.length / 3));
  const warmMb = warm.length === 0 ? 0 : median(warm.slice(0, third).map((s) => s.bytes)) / MB;
  const endMb = warm.length === 0 ? 0 : median(warm.slice(-third).map((s) => s.bytes)) / MB;
  const highWaterMb =
    samples
      .filter((s) => s.atMs >= options.warmupMs / 2 && s.atMs < options.warmupMs)
      .reduce((highest, s) => Math.max(highest, s.bytes), 0) / MB;
  const growthMb = endMb - Math.max(warmMb, highWaterMb);
  const growthLimitMb = Math.max(options.growthToleranceMb, options.growthToleranceRatio * warmMb);
  const { slope, stdErr } =
    warm.length >= 2
      ? fitSlope(
          warm.map((s) => s.atMs / 60_000),
          warm.map((s) => s.bytes / MB),
        )
      : { slope: 0, stdErr: Number.POSITIVE_INFINITY };
  const slopeLimit = Math.max(options.slopeFloorMbPerMin, options.slopeSignificance * stdErr);
  const base = {
    samples: warm.length,
    warmMb,
    highWaterMb,
    endMb,
    growthMb,
    growthLimitMb,
    slopeMbPerMin: slope,
    slopeStdErrMbPerMin: stdErr,
    slopeLimitMbPerMin: slopeLimit,
  };
  if (warm.length < options.minSamples) {
    return {
      ...base,
      verdict: 'too few samples',
      reason: `${warm.length} samples after warm-up, ${options.minSamples} needed`,
    };
  }
  if (growthMb > growthLimitMb) {
    return {
      ...base,
      verdict: 'growing',
      reason: `grew ${growthMb.toFixed(1)} MB, over ${growthLimitMb.toFixed(1)} MB`,
    };
  }
  if (slope > slopeLimit) {
    return {
      ...base,
      verdict: 'growing',
      reason: `slope ${slope.toFixed(2)} MB/min, over ${slopeLimit.toFixed(2)} MB/min`,
    };
  }
  return { ...base, verdict: 'flat', reason: '' };
}

/**
 * The lowest sample of each consecutive `windowMs` (from the first sample): the heap that
 * survived collection. A sampled heap in use is a point on the GC sawtooth, and V8 enlarges its
 * young generation in the first minutes, so the sawtooth's mean rises while nothing is retained;
 * the troughs move only with what the program keeps.
 */
export function lowEnvelope(samples: readonly MemorySample[], windowMs: number): MemorySample[] {
  const first = samples[0];
  if (first === undefined) {
    return [];
  }
  const lowest = new Map<number, MemorySample>();
  for (const sample of samples) {
    const window = Math.floor((sample.atMs - first.atMs) / windowMs);
    const current = lowest.get(window);
    if (current === undefined || sample.bytes < current.bytes) {
      lowest.set(window, sample);
    }
  }
  return [...lowest.entries()].sort(([a], [b]) => a - b).map(([, sample]) => sample);
}

export interface ProcessMemoryVerdict {
  flat: boolean;
  reason: string;
}

/**
 * A process's memory is flat when its V8 heap in use shows no trend and its resident set did not
 * grow past the tolerance. The resident set's slope alone does not fail it: V8 enlarges its heap
 * and the allocator keeps freed pages in steps, which a window of minutes reads as a slope while
 * the program holds no more; a leak in the program shows in the heap it uses.
 */
export function processMemoryVerdict(
  rss: MemoryTrend,
  heapUsed: MemoryTrend,
): ProcessMemoryVerdict {
  if (heapUsed.verdict !== 'flat') {
    return { flat: false, reason: `heap used ${heapUsed.verdict}: ${heapUsed.reason}` };
  }
  if (rss.verdict === 'too few samples') {
    return { flat: false, reason: `RSS: ${rss.reason}` };
  }
  if (rss.growthMb > rss.growthLimitMb) {
    return {
      flat: false,
      reason: `RSS grew ${rss.growthMb.toFixed(1)} MB, over ${rss.growthLimitMb.toFixed(1)} MB`,
    };
  }
  return { flat: true, reason: '' };
}
