import { readFileSync } from 'node:fs';

import type { LoadResult } from './load';

export type TargetKey = 'a' | 'b' | 'c' | 'd';

export interface TargetReport {
  key: TargetKey;
  label: string;
  warmup: LoadResult;
  measured: LoadResult;
  /**
   * CPU time per 2xx answer during the measured run: the target's process, RabbitMQ, PostgreSQL
   * (all its processes: backends, WAL writer…), autocannon.
   */
  cpuUsPerPush: {
    server: number | null;
    broker: number | null;
    database: number | null;
    loadGenerator: number;
  };
  /**
   * Cores other processes (not the target, RabbitMQ, PostgreSQL, Redis or autocannon) used during
   * the run.
   */
  otherCores: number | null;
  /** The target's own count of answers by outcome (warm-up included), where it exposes one. */
  outcomes?: Record<string, number>;
  /** Confirmed publishes: messages found in the target's queue(s) after the run. */
  queueCheck?: {
    successAnswers: number;
    queues: Record<string, number>;
    /** Pushes the ingress spooled instead (its durable fallback), still waiting to be relayed. */
    spooled: number | null;
    ok: boolean;
  };
  /** (d): every success answer is a committed spool row (the in-flight at the end may add some). */
  spoolCheck?: SpoolCheck;
  /** (d): the spool published by a restarted ingress once RabbitMQ is reachable. */
  drain?: DrainReport;
  cpuProfile?: { file: string; top: ProfileEntry[] };
}

export interface SpoolCheck {
  successAnswers: number;
  /** Rows in ingress.outbox once the in-flight pushes settled. */
  spoolRows: number;
  /** What the ingress counted: outcome="spooled" and outcome="published" (should be 0). */
  spooledOutcome: number | null;
  publishedOutcome: number | null;
  /** The ingress_fallback_depth gauge at the end. */
  depthGauge: number | null;
  /**
   * Rows may exceed answers by the pushes in flight when a run (warm-up, measured) stopped: one
   * per connection each.
   */
  inFlightAllowance: number;
  /** Rows left by an earlier target, removed before this one started. */
  clearedBefore: number;
  ok: boolean;
}

export interface DrainReport {
  /** Rows in the spool when the ingress restarted with RabbitMQ reachable. */
  rows: number;
  /** From the last count before the relay's first commit until the spool was empty. */
  seconds: number;
  rowsPerSecond: number;
  /** False if the spool did not empty within the time limit; the figures then cover what did. */
  completed: boolean;
  rowsLeft: number;
  /** Messages in the ingress's queues afterwards: each should hold `rows`. */
  queues: Record<string, number>;
  ok: boolean;
  /** CPU time per relayed row: the ingress, RabbitMQ, PostgreSQL. */
  cpuUsPerRow: { server: number | null; broker: number | null; database: number | null };
}

export interface Goals {
  aOverB: { ratio: number | null; goal: number; met: boolean | null };
  aOverC: { ratio: number | null; goal: number; met: boolean | null };
  p99A: { ms: number | null; goal: number; met: boolean | null };
}

export const GOALS = { aOverB: 0.7, aOverC: 2, p99AMs: 20 } as const;

const faults = (r: LoadResult): number => r.non2xx + r.errors;

export function evaluateGoals(targets: TargetReport[]): Goals {
  const find = (key: TargetKey): LoadResult | undefined =>
    targets.find((t) => t.key === key)?.measured;
  const a = find('a');
  const b = find('b');
  const c = find('c');
  const ratio = (x?: LoadResult, y?: LoadResult): number | null =>
    x === undefined || y === undefined || y.pushesPerSecond === 0
      ? null
      : x.pushesPerSecond / y.pushesPerSecond;
  const aOverB = ratio(a, b);
  const aOverC = ratio(a, c);
  // A target that answered with errors did not do its job: its figures do not count as met.
  const clean = a !== undefined && faults(a) === 0;
  return {
    aOverB: {
      ratio: aOverB,
      goal: GOALS.aOverB,
      met: aOverB === null ? null : clean && aOverB >= GOALS.aOverB,
    },
    aOverC: {
      ratio: aOverC,
      goal: GOALS.aOverC,
      met: aOverC === null ? null : clean && aOverC >= GOALS.aOverC,
    },
    p99A: {
      ms: a?.latencyMs.p99 ?? null,
      goal: GOALS.p99AMs,
      met: a === undefined ? null : clean && a.latencyMs.p99 < GOALS.p99AMs,
    },
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatTable(targets: TargetReport[]): string {
  const header = [
    'target',
    'pushes/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-2xx',
    'errors',
    'CPU µs/push',
    'broker µs/push',
    'PG µs/push',
    'other cores',
    '',
  ];
  const us = (n: number | null): string => (n === null ? '–' : int(n));
  const rows = targets.map((t) => {
    const m = t.measured;
    return [
      `(${t.key}) ${t.label}`,
      int(m.pushesPerSecond),
      String(m.latencyMs.p50),
      String(m.latencyMs.p99),
      String(m.latencyMs.max),
      int(m.non2xx),
      int(m.errors),
      us(t.cpuUsPerPush.server),
      t.key === 'c' || t.key === 'd' ? '' : us(t.cpuUsPerPush.broker),
      t.key === 'a' || t.key === 'd' ? us(t.cpuUsPerPush.database) : '',
      t.otherCores === null ? '–' : t.otherCores.toFixed(2),
      faults(m) > 0 ? 'HAS ERRORS' : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatGoals(goals: Goals): string {
  const verdict = (met: boolean | null): string =>
    met === null ? 'not measured' : met ? 'met' : 'MISSED';
  const num = (n: number | null, digits: number): string => (n === null ? '–' : n.toFixed(digits));
  return [
    `a/b = ${num(goals.aOverB.ratio, 2)}   goal ≥ ${goals.aOverB.goal}: ${verdict(goals.aOverB.met)}`,
    `a/c = ${num(goals.aOverC.ratio, 2)}   goal ≥ ${goals.aOverC.goal}: ${verdict(goals.aOverC.met)}`,
    `p99(a) = ${num(goals.p99A.ms, 0)} ms   goal < ${goals.p99A.goal} ms: ${verdict(goals.p99A.met)}`,
  ].join('\n');
}

export function formatQueueCheck(t: TargetReport): string | undefined {
  const check = t.queueCheck;
  if (check === undefined) {
    return undefined;
  }
  const queues = Object.entries(check.queues)
    .map(([queue, count]) => `${queue}: ${int(count)}`)
    .join(', ');
  const spooled =
    check.spooled === null || check.spooled === 0
      ? ''
      : `, ${int(check.spooled)} still in the spool`;
  return `(${t.key}) ${int(check.successAnswers)} success answers (warm-up included); messages in ${queues}${spooled}: ${check.ok ? 'ok' : 'FEWER MESSAGES THAN SUCCESS ANSWERS'}`;
}

export function formatSpoolCheck(t: TargetReport): string | undefined {
  const check = t.spoolCheck;
  if (check === undefined) {
    return undefined;
  }
  const extra = check.spoolRows - check.successAnswers;
  const outcome = (n: number | null): string => (n === null ? '–' : int(n));
  const cleared =
    check.clearedBefore > 0
      ? ` (${int(check.clearedBefore)} rows of earlier targets removed first)`
      : '';
  return (
    `(${t.key}) ${int(check.successAnswers)} success answers (warm-up included); ${int(check.spoolRows)} rows in ingress.outbox` +
    ` (${extra >= 0 ? '+' : ''}${int(extra)}, in flight when the runs stopped ≤ ${check.inFlightAllowance}); ` +
    `outcome spooled ${int(check.spooledOutcome ?? 0)}, published ${int(check.publishedOutcome ?? 0)}; ` +
    `ingress_fallback_depth ${outcome(check.depthGauge)}${cleared}: ${check.ok ? 'ok' : 'MISMATCH'}`
  );
}

export function formatDrain(t: TargetReport): string | undefined {
  const drain = t.drain;
  if (drain === undefined) {
    return undefined;
  }
  const us = (n: number | null): string => (n === null ? '–' : int(n));
  const queues = Object.entries(drain.queues)
    .map(([queue, count]) => `${queue}: ${int(count)}`)
    .join(', ');
  const drained = drain.rows - drain.rowsLeft;
  return [
    `spool drain: ${int(drained)} pushes in ${drain.seconds.toFixed(1)} s = ${int(drain.rowsPerSecond)} pushes/s` +
      (drain.completed ? '' : ` (NOT EMPTY: ${int(drain.rowsLeft)} of ${int(drain.rows)} left)`) +
      `; CPU µs/push: ingress ${us(drain.cpuUsPerRow.server)}, broker ${us(drain.cpuUsPerRow.broker)}, PG ${us(drain.cpuUsPerRow.database)}`,
    `(${t.key}) after the drain, messages in ${queues} (expected ${int(drain.rows)} each): ${drain.ok ? 'ok' : 'MISMATCH'}`,
  ].join('\n');
}

export interface ProfileEntry {
  function: string;
  selfPercent: number;
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
}

/** Self time per function of a V8 .cpuprofile, highest first. */
export function summarizeProfile(file: string, top = 15): ProfileEntry[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`;
    const name = `${functionName === '' ? '(anonymous)' : functionName}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  return [...byFunction]
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)
    .map(([name, hits]) => ({
      function: name,
      selfPercent: total === 0 ? 0 : Math.round((hits / total) * 1000) / 10,
    }));
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules !== -1) {
    return path.slice(modules + 'node_modules/'.length);
  }
  const dist = path.indexOf('/dist/');
  return dist === -1 ? path : path.slice(dist + 1);
}
