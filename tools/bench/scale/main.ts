import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { topologyNames } from '@wechat-desk/shared/messaging';

import { REPOSITORY_ROOT } from '../../launcher';
import { Cleanups, countMessages } from '../ingress/environment';
import { machineBusy } from '../ingress/processes';
import { PushGenerator } from '../ingress/pushes';
import { CpuProbe, type CpuUse } from '../outbound/cpu';
import { percentile, table } from '../outbound/report';
import { openLiveStream, type LiveStream } from '../pipeline/live-stream';
import { sendInClosedLoop, type SentPush } from '../pipeline/steady-load';
import { PipelineSystem, type StageRow } from '../pipeline/system';
import {
  cpuSplit,
  formatSplit,
  verdict,
  type CpuSplit,
  type Verdict,
  type Waiting,
} from './verdict';

/**
 * `npm run bench:scale`: how ticket throughput grows with conversation and ticketing workers
 * (1×, 2×, … up to --max-workers; desk-api and outbound one each), and where the limit is.
 * For each count the whole system starts afresh and gets pushes, each from a new customer, in a
 * closed loop: --window pushes outstanding at any time, the next sent as soon as a ticket is
 * announced on the desk API's live stream. A closed loop offers more than the system carries
 * whatever its capacity (it never idles while the window is full), yet keeps the backlog bounded,
 * so the throughput is the sustainable one and p50/p99 are those of a saturated system with
 * `window` in flight (Little: mean latency ≈ window / throughput), not of a backlog that grows
 * with the length of the run. The first seconds of the warm-up use a window of 1: the unloaded
 * latency, to show the window saturates. Measured: tickets in the desk's view per second (and as
 * announced), push → ticket, CPU per process group from /proc, ready messages in the broker's
 * queues and the services' outboxes.
 * Flags: --duration=30 --warmup=5 --max-workers=3 --window=100
 */
interface Options {
  durationS: number;
  warmupS: number;
  maxWorkers: number;
  window: number;
}

/** Pushes generated per second of the run: far above what 2 cores carry (about 100/s). */
const POOL_RATE = 400;

/** A push whose ticket is not announced within this long frees its lane (counted as lost). */
const LOST_AFTER_MS = 30_000;

const SAMPLE_EVERY_MS = 1_000;

function parseOptions(argv: readonly string[]): Options {
  const flag = (name: string): string | undefined =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const number = (name: string, fallback: number, min: number): number => {
    const value = Number(flag(name) ?? fallback);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`--${name}: a number ≥ ${min}`);
    }
    return value;
  };
  return {
    durationS: number('duration', 30, 1),
    warmupS: number('warmup', 5, 0),
    maxWorkers: Math.floor(number('max-workers', 3, 1)),
    window: Math.floor(number('window', 100, 1)),
  };
}

interface RunResult {
  workers: number;
  busyBefore: number | null;
  unloadedP50Ms: number;
  /** Tickets that reached the desk's view per second over the window (database count). */
  ticketsPerS: number;
  /** Tickets announced on the live stream per second over the window. */
  announcedPerS: number;
  measuredPushes: number;
  latenciesMs: number[];
  refused: number;
  lost: number;
  stagesP50Ms: Record<string, number>;
  waiting: Waiting;
  cpu: CpuUse;
  postgresOthersMs: number;
  split: CpuSplit;
  verdict: Verdict;
}

/** Short labels of the queues and outboxes a new customer's push passes, in order. */
const QUEUED_AT = ['q conv', 'outbox conv', 'q tick', 'outbox tick', 'q desk'] as const;

let current: Cleanups | null = null;

async function runWithWorkers(workers: number, options: Options): Promise<RunResult> {
  const cleanups = new Cleanups();
  current = cleanups;
  let stream: LiveStream | null = null;
  try {
    const busyBefore = await machineBusy();
    process.stdout.write(
      `\n--- conversation ×${workers}, ticketing ×${workers}, desk-api ×1, outbound ×1 ---\n${busyBefore === null ? '' : `machine busy before the start: ${Math.round(busyBefore * 100)} %${busyBefore > 0.2 ? ' (other work is running: the figures will be lower than on a quiet machine)' : ''}\n`}starting the system…\n`,
    );
    const system = new PipelineSystem(cleanups);
    await system.start(
      { conversation: workers, ticketing: workers, 'desk-api': 1 },
      { outbound: 1, label: 'scale' },
    );
    const channel = await system.createChannel();
    const poolSize = Math.ceil(POOL_RATE * (options.warmupS + options.durationS)) + options.window;
    const pushes = new PushGenerator(channel, poolSize, poolSize).build().pushes;

    const visibleAt = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    stream = await openLiveStream(system.deskApiUrl, system.accessToken, (event, receivedAtMs) => {
      if (event.event !== 'ticket.created') {
        return;
      }
      const openId = (JSON.parse(event.data) as { contact?: { openId?: string } }).contact?.openId;
      if (openId !== undefined && !visibleAt.has(openId)) {
        visibleAt.set(openId, receivedAtMs);
        waiters.get(openId)?.();
      }
    });
    let lost = 0;
    const settled = (push: SentPush): Promise<void> =>
      visibleAt.has(push.openId)
        ? Promise.resolve()
        : new Promise((resolveSettled) => {
            const timer = setTimeout(() => {
              lost += 1;
              waiters.delete(push.openId);
              resolveSettled();
            }, LOST_AFTER_MS);
            waiters.set(push.openId, () => {
              clearTimeout(timer);
              waiters.delete(push.openId);
              resolveSettled();
            });
          });

    // One connection for the counts, its backend left out of PostgreSQL's CPU with the others'.
    const counter = new Client({ connectionString: system.databaseUrl });
    counter.on('error', () => undefined);
    await counter.connect();
    cleanups.add('count connection', () => counter.end());
    const databaseName = new URL(system.databaseUrl).pathname.slice(1);
    const ticketCount = async (): Promise<{ atMs: number; count: number }> => {
      const result = await counter.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM desk.ticket_views',
      );
      return { atMs: Date.now(), count: result.rows[0]?.n ?? 0 };
    };
    const names = topologyNames(system.namespace);
    const queues = {
      'q conv': names.queue('conversation'),
      'q tick': names.queue('ticketing'),
      'q desk': names.queue('desk-api'),
    };
    const depthSamples: Array<Record<string, number>> = [];
    const sampleDepths = async (): Promise<void> => {
      const ready = await countMessages(system.rabbitUrl, Object.values(queues));
      const outboxes = await counter.query<{ conv: number; tick: number }>(
        `SELECT (SELECT count(*) FROM conversation.outbox)::int AS conv,
          (SELECT count(*) FROM ticketing.outbox)::int AS tick`,
      );
      depthSamples.push({
        'q conv': ready[queues['q conv']] ?? 0,
        'outbox conv': outboxes.rows[0]?.conv ?? 0,
        'q tick': ready[queues['q tick']] ?? 0,
        'outbox tick': outboxes.rows[0]?.tick ?? 0,
        'q desk': ready[queues['q desk']] ?? 0,
      });
    };

    const probe = new CpuProbe(system);
    const unloadedS = Math.min(2, options.warmupS / 2);
    const loadedWarmupS = options.warmupS - unloadedS;
    process.stdout.write(
      `closed loop: ${unloadedS} s with 1 push outstanding, ${loadedWarmupS} s warm-up and ${options.durationS} s measured with ${options.window}…\n`,
    );
    const unloaded = await sendInClosedLoop(system.ingressUrl, pushes, {
      window: 1,
      stopAtMs: Date.now() + unloadedS * 1000,
      settled,
    });
    const unloadedLatencies = unloaded.flatMap((push) => {
      const at = visibleAt.get(push.openId);
      return at === undefined ? [] : [at - push.sentAtMs];
    });

    const measureFromMs = Date.now() + loadedWarmupS * 1000;
    const measureToMs = measureFromMs + options.durationS * 1000;
    interface Mark {
      cpu: ReturnType<CpuProbe['sample']>;
      tickets: { atMs: number; count: number };
    }
    const marks = (async (): Promise<[Mark, Mark]> => {
      await sleepUntil(measureFromMs);
      const first: Mark = { cpu: probe.sample(), tickets: await ticketCount() };
      let sampling: Promise<void> = Promise.resolve();
      const sampler = setInterval(() => {
        sampling = sampling.then(sampleDepths).catch(() => undefined);
      }, SAMPLE_EVERY_MS);
      await sleepUntil(measureToMs);
      const last: Mark = { cpu: probe.sample(), tickets: await ticketCount() };
      clearInterval(sampler);
      await sampling;
      return [first, last];
    })();
    const loaded = await sendInClosedLoop(system.ingressUrl, pushes.slice(unloaded.length), {
      window: options.window,
      stopAtMs: measureToMs,
      settled,
    });
    const [start, end] = await marks;
    if (unloaded.length + loaded.length >= pushes.length) {
      process.stdout.write(
        `the ${pushes.length} pushes ran out before the end: raise POOL_RATE (${POOL_RATE})\n`,
      );
    }

    const cpu = probe.use(start.cpu, end.cpu);
    const postgresOthersMs = otherDatabasesCpuMs(
      start.cpu.postgres,
      end.cpu.postgres,
      databaseName,
    );
    const measured = loaded.filter(
      (push) => push.sentAtMs >= start.cpu.atMs && push.sentAtMs < end.cpu.atMs,
    );
    const latenciesMs = measured.flatMap((push) => {
      const at = visibleAt.get(push.openId);
      return at === undefined ? [] : [at - push.sentAtMs];
    });
    const windowS = (end.cpu.atMs - start.cpu.atMs) / 1000;
    const announced = [...visibleAt.values()].filter(
      (at) => at >= start.cpu.atMs && at < end.cpu.atMs,
    ).length;

    const rows = new Map((await system.ticketStages()).map((row) => [row.open_id, row]));
    const stage = (pick: (push: SentPush, seen: number, row: StageRow) => number) =>
      percentile(
        measured.flatMap((push) => {
          const row = rows.get(push.openId);
          const seen = visibleAt.get(push.openId);
          return row === undefined || seen === undefined || push.ackedAtMs === null
            ? []
            : [pick(push, seen, row)];
        }),
        50,
      );
    const stagesP50Ms = {
      'sent → acknowledged': stage((push) => (push.ackedAtMs ?? 0) - push.sentAtMs),
      '→ conversation recorded': stage((push, _, row) => row.recorded_ms - (push.ackedAtMs ?? 0)),
      '→ ticketing opened': stage((_, __, row) => row.ticket_ms - row.recorded_ms),
      '→ desk-api projected': stage((_, __, row) => row.live_ms - row.ticket_ms),
      '→ on the stream': stage((_, seen, row) => seen - row.live_ms),
    };

    const waiting: Waiting = { meanDepth: {}, growth: {} };
    for (const label of QUEUED_AT) {
      const values = depthSamples.map((sample) => sample[label] ?? 0);
      waiting.meanDepth[label] =
        values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
      waiting.growth[label] = (values[values.length - 1] ?? 0) - (values[0] ?? 0);
    }
    const split = cpuSplit(cpu, postgresOthersMs);
    const result: RunResult = {
      workers,
      busyBefore,
      unloadedP50Ms: percentile(unloadedLatencies, 50),
      ticketsPerS:
        (end.tickets.count - start.tickets.count) /
        ((end.tickets.atMs - start.tickets.atMs) / 1000),
      announcedPerS: announced / windowS,
      measuredPushes: measured.length,
      latenciesMs,
      refused: [...unloaded, ...loaded].filter((push) => push.status !== 200).length,
      lost,
      stagesP50Ms,
      waiting,
      cpu,
      postgresOthersMs,
      split,
      verdict: verdict(split, waiting, options.window),
    };
    process.stdout.write(`${runReport(result, options)}\n`);
    return result;
  } finally {
    stream?.close();
    await cleanups.runAll();
    current = null;
  }
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, Math.max(0, atMs - Date.now())));
}

/**
 * CPU (ms) of the PostgreSQL backends that served another database between two samples (other
 * work on the same server), told apart by their process title (`postgres: user database …`).
 */
function otherDatabasesCpuMs(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
  databaseName: string,
): number {
  let total = 0;
  for (const [pid, ms] of after ?? []) {
    let title = '';
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    // Backends: `postgres: <user> <database> <client> <activity>`; the rest are shared.
    const [, database, client] = title.replace(/^postgres: /, '').split(' ');
    const backend = client !== undefined && (client.includes('(') || client === '[local]');
    if (backend && database !== databaseName) {
      total += Math.max(0, ms - (before?.get(pid) ?? 0));
    }
  }
  return total;
}

const ms = (value: number): string =>
  !Number.isFinite(value)
    ? '–'
    : Math.abs(value) < 0.5
      ? '0 ms'
      : value < 1_000
        ? `${value.toFixed(0)} ms`
        : `${(value / 1000).toFixed(2)} s`;

function runReport(run: RunResult, options: Options): string {
  const out: string[] = [''];
  out.push(
    `${run.workers}×: ${run.ticketsPerS.toFixed(1)} tickets/s in the desk's view (${run.announcedPerS.toFixed(1)}/s announced), push → ticket p50 ${ms(percentile(run.latenciesMs, 50))} · p99 ${ms(percentile(run.latenciesMs, 99))} with ${options.window} outstanding (unloaded p50 ${ms(run.unloadedP50Ms)}); ${run.measuredPushes} pushes measured${run.refused > 0 ? `, ${run.refused} not answered 200` : ''}${run.lost > 0 ? `, ${run.lost} never announced` : ''}`,
  );
  out.push(
    `  where a push waits (p50): ${Object.entries(run.stagesP50Ms)
      .map(([label, value]) => `${label} ${ms(value)}`)
      .join(' ')}`,
  );
  out.push(
    `  ready messages (mean over the window, last − first): ${QUEUED_AT.map((label) => `${label} ${(run.waiting.meanDepth[label] ?? 0).toFixed(1)} (${signed(run.waiting.growth[label] ?? 0)})`).join(' · ')}`,
  );
  out.push(
    `  cores busy: ${formatSplit(run.split)}; machine ${run.split.machine === null ? 'n/a' : `${run.split.machine.toFixed(2)} of ${run.split.cores}`}${run.postgresOthersMs > 0 ? ` (other databases' backends ${(run.postgresOthersMs / run.cpu.wallMs).toFixed(2)}, under other)` : ''}`,
  );
  out.push(
    `  by worker: ${run.cpu.services
      .filter((service) => service.app === 'conversation' || service.app === 'ticketing')
      .map((service) => `${service.name} ${((service.ms ?? 0) / run.cpu.wallMs).toFixed(2)}`)
      .join(' · ')}`,
  );
  out.push(`  limit: ${run.verdict.text}`);
  return out.join('\n');
}

const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));

function summaryTable(runs: readonly RunResult[]): string {
  const baseline = runs[0]?.ticketsPerS ?? NaN;
  return table(
    ['workers', 'tickets/s', '×vs 1 worker', 'p50', 'p99', 'CPU split (cores)', 'verdict'],
    runs.map((run) => [
      `${run.workers}`,
      run.ticketsPerS.toFixed(1),
      (run.ticketsPerS / baseline).toFixed(2),
      ms(percentile(run.latenciesMs, 50)),
      ms(percentile(run.latenciesMs, 99)),
      formatSplit(run.split),
      run.verdict.short,
    ]),
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.once('SIGINT', () => {
    void (current?.runAll() ?? Promise.resolve()).then(() => process.exit(130));
  });
  const startedAtMs = Date.now();
  const runs: RunResult[] = [];
  for (let workers = 1; workers <= options.maxWorkers; workers++) {
    runs.push(await runWithWorkers(workers, options));
  }
  const out: string[] = [''];
  out.push(
    `conversation and ticketing ×N (desk-api, outbound ×1), closed loop with ${options.window} pushes outstanding, ${options.durationS} s measured after ${options.warmupS} s; the 1-worker run is the baseline:`,
  );
  out.push(summaryTable(runs));
  const noisy = runs.filter(
    (run) =>
      (run.busyBefore ?? 0) > 0.2 ||
      (run.split.parts.find((part) => part.label === 'other')?.cores ?? 0) > 0.2,
  );
  if (noisy.length > 0) {
    out.push(
      `other work used the machine during ${noisy.map((run) => `${run.workers}×`).join(', ')} (busy before the start or 'other' above 0.2 cores): compare with care`,
    );
  }
  out.push(`whole bench: ${((Date.now() - startedAtMs) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const directory = join(REPOSITORY_ROOT, '.run', 'bench');
  mkdirSync(directory, { recursive: true });
  const resultFile = join(directory, `scale-${stamp}.json`);
  writeFileSync(
    resultFile,
    JSON.stringify(
      {
        options,
        runs: runs.map(({ latenciesMs, ...run }) => ({
          ...run,
          p50Ms: percentile(latenciesMs, 50),
          p99Ms: percentile(latenciesMs, 99),
        })),
      },
      null,
      2,
    ),
  );
  process.stdout.write(`results: ${resultFile}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
