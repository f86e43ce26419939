import { appCpuMs, type CpuUse } from './cpu';
import type { SentReply } from './replies';

/** What the simulator recorded as received (GET /sim/deliveries). */
export interface Delivery {
  at: string;
  openId: string;
  source: 'custom' | 'mass';
  msgtype: string;
  payload: unknown;
}

/** outbound.reply_sends: when outbound claimed the reply (its transaction's start). */
export interface Claim {
  reply_id: string;
  status: string;
  slot_kind: string | null;
  claimed_ms: number;
}

/** One stage as measured: the replies sent, what the stream and the simulator saw, the CPU. */
export interface StageRaw {
  label: string;
  rate: number;
  durationS: number;
  measured: boolean;
  replies: SentReply[];
  cpu: CpuUse;
}

/** Per reply id: when the live stream said `sent`, or the failure it announced. */
export interface StreamOutcomes {
  sentAt: ReadonlyMap<string, number>;
  failedWith: ReadonlyMap<string, string>;
}

export interface StageFigures {
  label: string;
  rate: number;
  durationS: number;
  measured: boolean;
  posted: number;
  queued: number;
  postMs: number[];
  toWechatMs: number[];
  toVisibleMs: number[];
  toClaimMs: number[];
  claimToWechatMs: number[];
  wechatToVisibleMs: number[];
  deliveredOnce: number;
  duplicated: number;
  undelivered: number;
  notSeenSent: number;
  failures: Record<string, number>;
  /** Replies that reached WeChat, over first POST → last delivery. */
  sendsPerS: number;
  cpu: CpuUse;
}

export function stageFigures(
  stage: StageRaw,
  deliveriesByText: ReadonlyMap<string, readonly Delivery[]>,
  claims: ReadonlyMap<string, Claim>,
  stream: StreamOutcomes,
): StageFigures {
  const figures: StageFigures = {
    label: stage.label,
    rate: stage.rate,
    durationS: stage.durationS,
    measured: stage.measured,
    posted: stage.replies.length,
    queued: 0,
    postMs: [],
    toWechatMs: [],
    toVisibleMs: [],
    toClaimMs: [],
    claimToWechatMs: [],
    wechatToVisibleMs: [],
    deliveredOnce: 0,
    duplicated: 0,
    undelivered: 0,
    notSeenSent: 0,
    failures: {},
    sendsPerS: 0,
    cpu: stage.cpu,
  };
  let firstPostMs = Number.POSITIVE_INFINITY;
  let lastDeliveryMs = Number.NEGATIVE_INFINITY;
  let delivered = 0;
  for (const reply of stage.replies) {
    firstPostMs = Math.min(firstPostMs, reply.postedAtMs);
    if (reply.answeredAtMs !== null) {
      figures.postMs.push(reply.answeredAtMs - reply.postedAtMs);
    }
    if (reply.replyId === null) {
      continue;
    }
    figures.queued += 1;
    const received = deliveriesByText.get(reply.text) ?? [];
    if (received.length === 1) {
      figures.deliveredOnce += 1;
    } else if (received.length > 1) {
      figures.duplicated += 1;
    } else {
      figures.undelivered += 1;
    }
    const first = received[0];
    const wechatMs = first === undefined ? undefined : Date.parse(first.at);
    if (wechatMs !== undefined) {
      delivered += 1;
      lastDeliveryMs = Math.max(lastDeliveryMs, wechatMs);
      figures.toWechatMs.push(wechatMs - reply.postedAtMs);
    }
    const sentAt = stream.sentAt.get(reply.replyId);
    if (sentAt === undefined) {
      figures.notSeenSent += 1;
    } else {
      figures.toVisibleMs.push(sentAt - reply.postedAtMs);
    }
    const failure = stream.failedWith.get(reply.replyId);
    if (failure !== undefined) {
      figures.failures[failure] = (figures.failures[failure] ?? 0) + 1;
    }
    const claim = claims.get(reply.replyId);
    if (claim !== undefined && wechatMs !== undefined && sentAt !== undefined) {
      figures.toClaimMs.push(claim.claimed_ms - reply.postedAtMs);
      figures.claimToWechatMs.push(wechatMs - claim.claimed_ms);
      figures.wechatToVisibleMs.push(sentAt - wechatMs);
    }
  }
  const spanS = (lastDeliveryMs - firstPostMs) / 1000;
  figures.sendsPerS = delivered > 0 && spanS > 0 ? delivered / spanS : 0;
  return figures;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50 / p95 / p99, in ms below a second, else in seconds. */
export function triple(values: readonly number[]): string {
  if (values.length === 0) {
    return '–';
  }
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(values, p));
  if ((p99 ?? 0) < 1_000) {
    return `${[p50, p95, p99].map((v) => (v ?? NaN).toFixed(0)).join(' / ')} ms`;
  }
  return `${[p50, p95, p99].map((v) => ((v ?? NaN) / 1000).toFixed(1)).join(' / ')} s`;
}

/** A Markdown table with its columns padded (pastes into the README as is). */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(row)),
  ].join('\n');
}

const percent = (part: number, whole: number): string =>
  whole === 0 ? '–' : `${((part / whole) * 100).toFixed(part === whole ? 0 : 1)} %`;

const offered = (stage: StageFigures): string => `${stage.rate}/s, ${stage.durationS} s`;

const machineBusy = (cpu: CpuUse): string =>
  cpu.machine === null ? 'n/a' : `${((cpu.machine / (cpu.wallMs * cpu.cores)) * 100).toFixed(0)} %`;

/** The latency and throughput table of one worker count. */
export function latencyTable(stages: readonly StageFigures[]): string {
  return table(
    [
      'offered',
      'replies',
      'POST answered p50/p95/p99',
      'reply → WeChat p50/p95/p99',
      'reply → `sent` on the stream p50/p95/p99',
      'sends/s',
      'delivered exactly once',
      'machine busy',
    ],
    stages.map((stage) => [
      offered(stage),
      stage.queued === stage.posted ? String(stage.posted) : `${stage.queued} of ${stage.posted}`,
      triple(stage.postMs),
      triple(stage.toWechatMs),
      triple(stage.toVisibleMs),
      stage.sendsPerS.toFixed(1),
      percent(stage.deliveredOnce, stage.posted),
      machineBusy(stage.cpu),
    ]),
  );
}

/** Where a reply's time goes, from outbound's claim time in its ledger. */
export function stagesTable(stages: readonly StageFigures[]): string {
  return table(
    [
      'offered',
      'POST → outbound claimed',
      'claimed → WeChat received',
      'WeChat → `sent` on the stream',
    ],
    stages.map((stage) => [
      offered(stage),
      triple(stage.toClaimMs),
      triple(stage.claimToWechatMs),
      triple(stage.wechatToVisibleMs),
    ]),
  );
}

interface CpuParts {
  outbound: number | null;
  desk: number | null;
  postgres: number | null;
  rabbitmq: number | null;
  simulator: number | null;
  rest: number | null;
  bench: number;
}

function cpuParts(cpu: CpuUse): CpuParts {
  let rest: number | null = cpu.redis ?? 0;
  for (const app of ['ingress', 'conversation', 'ticketing']) {
    const ms = appCpuMs(cpu, app);
    rest = rest === null || ms === null ? null : rest + ms;
  }
  return {
    outbound: appCpuMs(cpu, 'outbound'),
    desk: appCpuMs(cpu, 'desk-api'),
    postgres: cpu.postgres,
    rabbitmq: cpu.rabbitmq,
    simulator: appCpuMs(cpu, 'wechat-sim'),
    rest,
    bench: cpu.bench,
  };
}

const PART_NAMES: ReadonlyArray<[keyof CpuParts, string]> = [
  ['outbound', 'outbound (all workers)'],
  ['desk', 'desk-api'],
  ['postgres', 'PostgreSQL'],
  ['rabbitmq', 'RabbitMQ'],
  ['simulator', 'WeChat simulator'],
  ['rest', 'ingress, conversation, ticketing, Redis'],
  ['bench', 'load generator'],
];

/**
 * Cores each part kept busy (CPU s per s) while idle and over each stage (sending and
 * draining), and the system's CPU per reply above its idle use.
 */
export function cpuTable(idle: CpuUse, stages: readonly StageFigures[]): string {
  const idleParts = cpuParts(idle);
  const cores = (ms: number | null, wallMs: number): string =>
    ms === null || wallMs <= 0 ? 'n/a' : (ms / wallMs).toFixed(2);
  const total = (parts: CpuParts): number | null =>
    PART_NAMES.filter(([key]) => key !== 'bench').reduce<number | null>((sum, [key]) => {
      const ms = parts[key];
      return sum === null || ms === null ? null : sum + ms;
    }, 0);
  const idleTotal = total(idleParts);
  const row = (label: string, cpu: CpuUse, replies: number | null): string[] => {
    const parts = cpuParts(cpu);
    const system = total(parts);
    const above =
      replies === null || replies === 0 || system === null || idleTotal === null
        ? '–'
        : (((system - (idleTotal / idle.wallMs) * cpu.wallMs) * 1000) / replies).toFixed(0);
    return [
      label,
      ...PART_NAMES.map(([key]) => cores(parts[key], cpu.wallMs)),
      machineBusy(cpu),
      above,
    ];
  };
  return table(
    [
      'cores used',
      ...PART_NAMES.map(([, name]) => name),
      'machine busy',
      'system µs/reply above idle',
    ],
    [
      row(`idle, ${(idle.wallMs / 1000).toFixed(0)} s`, idle, null),
      ...stages.map((stage) => row(offered(stage), stage.cpu, stage.posted)),
    ],
  );
}

/** How the outbound workers shared the work: CPU seconds each, over all measured stages. */
export function workerShares(stages: readonly StageFigures[]): string {
  const totals = new Map<string, number>();
  for (const stage of stages) {
    for (const service of stage.cpu.services.filter((s) => s.app === 'outbound')) {
      totals.set(service.name, (totals.get(service.name) ?? 0) + (service.ms ?? 0));
    }
  }
  return [...totals].map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(' · ');
}

export interface RunFigures {
  workers: number;
  customers: number;
  /** Share of the machine busy before the system started (other work), 0..1; null without /proc. */
  busyBefore: number | null;
  stages: StageFigures[];
}

/** Each worker count against the first (the baseline), rate by rate. */
export function comparisonTable(runs: readonly RunFigures[]): string {
  const baseline = runs[0];
  if (baseline === undefined) {
    return '';
  }
  const rows: string[][] = [];
  const ratio = (value: number, base: number): string =>
    Number.isFinite(value) && Number.isFinite(base) && base > 0 ? (value / base).toFixed(2) : '–';
  for (const run of runs.slice(1)) {
    for (const stage of run.stages.filter((s) => s.measured)) {
      const base = baseline.stages.find((s) => s.measured && s.rate === stage.rate);
      if (base === undefined) {
        continue;
      }
      const p = (values: readonly number[], q: number) => percentile(values, q);
      rows.push([
        offered(stage),
        `${run.workers} / ${baseline.workers}`,
        `${stage.sendsPerS.toFixed(1)} / ${base.sendsPerS.toFixed(1)}`,
        ratio(stage.sendsPerS, base.sendsPerS),
        `${p(stage.toWechatMs, 50).toFixed(0)} / ${p(base.toWechatMs, 50).toFixed(0)} ms`,
        ratio(p(stage.toWechatMs, 50), p(base.toWechatMs, 50)),
        `${p(stage.toWechatMs, 99).toFixed(0)} / ${p(base.toWechatMs, 99).toFixed(0)} ms`,
        ratio(p(stage.toWechatMs, 99), p(base.toWechatMs, 99)),
        `${p(stage.toVisibleMs, 99).toFixed(0)} / ${p(base.toVisibleMs, 99).toFixed(0)} ms`,
        ratio(p(stage.toVisibleMs, 99), p(base.toVisibleMs, 99)),
      ]);
    }
  }
  return table(
    [
      'offered',
      'workers',
      'sends/s',
      'ratio',
      'reply → WeChat p50',
      'ratio',
      'reply → WeChat p99',
      'ratio',
      'reply → `sent` p99',
      'ratio',
    ],
    rows,
  );
}
