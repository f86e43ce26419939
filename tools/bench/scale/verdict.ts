import type { CpuUse } from '../outbound/cpu';
import { appCpuMs } from '../outbound/cpu';

/** The machine counts as CPU-bound from this share of its cores busy (≈ 180 % of 2 cores). */
export const CPU_BOUND_SHARE = 0.9;

/** A queue "holds the backlog" when on average this share of the window waits in it. */
const BACKLOG_SHARE = 0.25;

/** Cores each part of the machine kept busy over a measurement window. */
export interface CpuSplit {
  /** Short label → cores (CPU ms / wall ms), largest first. */
  parts: Array<{ label: string; cores: number }>;
  /** The whole machine, cores busy; null without /proc/stat. */
  machine: number | null;
  cores: number;
}

/** Labels of the parts, in the order the report names them. */
const APPS: ReadonlyArray<{ app: string; label: string }> = [
  { app: 'conversation', label: 'conv' },
  { app: 'ticketing', label: 'tick' },
  { app: 'desk-api', label: 'desk' },
  { app: 'ingress', label: 'ingr' },
  { app: 'outbound', label: 'outb' },
  { app: 'wechat-sim', label: 'sim' },
];

/**
 * `postgresOthers` is the CPU (ms) of PostgreSQL backends serving other databases (other work on
 * the same server): taken out of `pg` and counted under `other` with everything else the machine
 * did beyond the system's processes and the bench.
 */
export function cpuSplit(use: CpuUse, postgresOthers: number): CpuSplit {
  const cores = (ms: number | null): number => (ms === null ? 0 : ms / use.wallMs);
  const parts = [
    { label: 'pg', cores: cores((use.postgres ?? 0) - postgresOthers) },
    ...APPS.map(({ app, label }) => ({ label, cores: cores(appCpuMs(use, app)) })),
    { label: 'mq', cores: cores(use.rabbitmq) },
    { label: 'redis', cores: cores(use.redis) },
    { label: 'bench', cores: cores(use.bench) },
  ];
  const machine = use.machine === null ? null : cores(use.machine);
  if (machine !== null) {
    const known = parts.reduce((sum, part) => sum + part.cores, 0);
    parts.push({ label: 'other', cores: Math.max(0, machine - known) });
  }
  parts.sort((a, b) => b.cores - a.cores);
  return { parts, machine, cores: use.cores };
}

/** `pg 0.92 · tick 0.31 · …`: the parts with at least 0.03 cores. */
export function formatSplit(split: CpuSplit): string {
  return split.parts
    .filter((part) => part.cores >= 0.03)
    .map((part) => `${part.label} ${part.cores.toFixed(2)}`)
    .join(' · ');
}

export interface Waiting {
  /** Mean ready messages per queue (or outbox) over the window, by short label. */
  meanDepth: Record<string, number>;
  /** Ready messages at the last sample minus at the first, by short label. */
  growth: Record<string, number>;
}

export interface Verdict {
  limit: 'CPU' | 'database' | 'consumer/broker' | 'not saturated';
  /** For the summary table: the limit and its main figure. */
  short: string;
  /** The evidence, for the per-run report. */
  text: string;
}

/** PostgreSQL "dominates" when it takes at least this share of the busy CPU. */
const DATABASE_SHARE = 0.5;

/**
 * CPU near all cores → CPU-bound, naming the largest group (the database when PostgreSQL takes
 * half the busy CPU or more); headroom with a queue holding the backlog → that consumer or the
 * broker; headroom, short queues and PostgreSQL the largest → the database (waits, not CPU);
 * else the window did not saturate the system.
 */
export function verdict(split: CpuSplit, waiting: Waiting, window: number): Verdict {
  const top = split.parts[0] ?? { label: '?', cores: 0 };
  const busy = split.machine === null ? null : split.machine / split.cores;
  const share = (cores: number): string =>
    split.machine === null || split.machine === 0
      ? ''
      : ` ${((cores / split.machine) * 100).toFixed(0)} % of it`;
  const deepest = Object.entries(waiting.meanDepth).sort((a, b) => b[1] - a[1])[0];
  const backlog =
    deepest !== undefined && deepest[1] >= BACKLOG_SHARE * window
      ? `${deepest[0]} holds ${deepest[1].toFixed(0)} of the ${window} outstanding${(waiting.growth[deepest[0]] ?? 0) > 0 ? ` (grew by ${waiting.growth[deepest[0]] ?? 0})` : ''}`
      : null;
  const busyText = busy === null ? 'machine n/a' : `machine ${(busy * 100).toFixed(0)} % busy`;
  const evidence = (head: string): string =>
    `${head}; ${top.label} the largest (${top.cores.toFixed(2)} cores,${share(top.cores)})${backlog === null ? '; queues short' : `; ${backlog}`}`;
  if (busy !== null && busy >= CPU_BOUND_SHARE) {
    const database =
      top.label === 'pg' && split.machine !== null && top.cores >= DATABASE_SHARE * split.machine;
    return {
      limit: database ? 'database' : 'CPU',
      short: `${database ? 'database (CPU)' : 'CPU'}, ${busyText}, most: ${top.label}${share(top.cores)}`,
      text: evidence(`CPU-bound (${busyText})`),
    };
  }
  if (backlog !== null && deepest !== undefined) {
    return {
      limit: 'consumer/broker',
      short: `consumer/broker: ${deepest[0]} backlog, ${busyText}`,
      text: evidence(`CPU has headroom (${busyText})`),
    };
  }
  if (top.label === 'pg') {
    return {
      limit: 'database',
      short: `database (waits), ${busyText}`,
      text: evidence(`CPU has headroom (${busyText})`),
    };
  }
  return {
    limit: 'not saturated',
    short: `not saturated, ${busyText}: raise --window`,
    text: evidence(`CPU has headroom (${busyText}) and queues are short: raise --window`),
  };
}
