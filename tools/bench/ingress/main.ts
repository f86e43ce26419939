import 'reflect-metadata';

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import {
  freePort,
  REPOSITORY_ROOT,
  startNodeProcess,
  stopProcess,
  waitUntilHealthy,
  type NodeProcess,
} from '../../launcher';
import {
  Cleanups,
  createEnvironment,
  purgeQueues,
  settledCounts,
  spooledPushes,
  SpoolCounter,
  type BenchEnvironment,
} from './environment';
import { PushCursor, runLoad } from './load';
import {
  counterByLabel,
  findPidByName,
  gaugeValue,
  machineBusy,
  machineCpuMs,
  processCpuMs,
  processGroupCpuDeltaMs,
  processGroupCpuMs,
  startDeadBroker,
} from './processes';
import { PushGenerator, type PushSet } from './pushes';
import {
  evaluateGoals,
  formatDrain,
  formatGoals,
  formatQueueCheck,
  formatSpoolCheck,
  formatTable,
  summarizeProfile,
  type DrainReport,
  type SpoolCheck,
  type TargetKey,
  type TargetReport,
} from './report';

/**
 * `npm run bench:ingress`: the same pre-generated secure-mode pushes against (a) the real ingress,
 * (b) a bare node:http server doing the same verify, decrypt and confirmed publish, (c) the
 * `wechat` npm package's express middleware, and (d) the real ingress with RabbitMQ down, every
 * push going to its PostgreSQL spool, then the time a restarted ingress takes to relay that spool;
 * one target after another, on an isolated environment removed afterwards.
 */

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  pushes: number;
  targets: TargetKey[];
  cpuProf: TargetKey[];
  maxClockSkewS: number;
}

/** A target under --cpu-prof writes its profile on exit: give it time before SIGKILL. */
const PROFILE_GRACE_MS = 15_000;

const TARGET_KEYS: readonly TargetKey[] = ['a', 'b', 'c', 'd'];
const DEFAULT_TARGETS: readonly TargetKey[] = ['a', 'b', 'c', 'd'];

/** Time between counts of the spool while it drains. */
const DRAIN_POLL_MS = 20;

/** CPU taken by other processes during a run above which its figures are flagged. */
const OTHER_WORK_WARNING_CORES = 0.25;

/** The ingress of the same build as this file (dist/tools/bench/ingress → dist/apps/ingress). */
const INGRESS_MAIN = join(__dirname, '..', '..', '..', 'apps', 'ingress', 'src', 'main.js');

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pushes: { type: 'string' },
      targets: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(
      [
        'Usage: npm run bench:ingress [-- --duration=15 --warmup=3 --connections=50 --pushes=20000 --targets=a,b,c,d --cpu-prof=a]',
        'Environment: BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONNECTIONS, BENCH_PUSHES, BENCH_TARGETS,',
        'BENCH_CPU_PROF (targets to run under --cpu-prof; profiles in .run/bench/ingress-<time>/profiles).',
        '',
      ].join('\n'),
    );
    process.exit(0);
  }
  const number = (
    flag: string | undefined,
    name: string,
    fallback: number,
    min: number,
  ): number => {
    const text = flag ?? process.env[name];
    if (text === undefined || text === '') {
      return fallback;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`${name} must be a number ≥ ${min}, got ${text}`);
    }
    return value;
  };
  const keys = (flag: string | undefined, name: string, fallback: TargetKey[]): TargetKey[] => {
    const text = flag ?? process.env[name];
    if (text === undefined || text === '') {
      return fallback;
    }
    const list = text.split(',').map((part) => part.trim().toLowerCase());
    const unknown = list.filter((key) => !(TARGET_KEYS as readonly string[]).includes(key));
    if (unknown.length > 0) {
      throw new Error(
        `${name}: unknown target(s) ${unknown.join(', ')}; use ${TARGET_KEYS.join(', ')}`,
      );
    }
    return TARGET_KEYS.filter((key) => list.includes(key));
  };
  return {
    durationS: number(values.duration, 'BENCH_DURATION_S', 15, 1),
    warmupS: number(values.warmup, 'BENCH_WARMUP_S', 3, 0),
    connections: Math.floor(number(values.connections, 'BENCH_CONNECTIONS', 50, 1)),
    pushes: Math.floor(number(values.pushes, 'BENCH_PUSHES', 20_000, 1)),
    targets: keys(values.targets, 'BENCH_TARGETS', [...DEFAULT_TARGETS]),
    cpuProf: keys(values['cpu-prof'], 'BENCH_CPU_PROF', []),
    maxClockSkewS: number(undefined, 'INGRESS_MAX_CLOCK_SKEW_S', 300, 60),
  };
}

interface TargetDefinition {
  key: TargetKey;
  label: string;
  script: string;
  readyRoute: string;
  /** Wait until the readiness route lists every dependency as up. */
  allChecksUp: boolean;
  /** Or only these. */
  requiredUp?: readonly string[];
  /** Prometheus counter of answers by outcome, read after the run (the ingress's). */
  outcomes?: { metric: string; label: string };
  env: (port: number) => NodeJS.ProcessEnv;
  /** Queues its confirmed publishes land in; none for (c), which publishes nothing. */
  queues: string[];
  /**
   * (d): every push goes to the spool; afterwards the ingress restarts with this environment
   * (RabbitMQ reachable) and relays it to `queues`.
   */
  drainEnv?: (port: number) => NodeJS.ProcessEnv;
}

function targetDefinitions(
  environment: BenchEnvironment,
  options: Options,
  deadBrokerUrl: string | null,
): TargetDefinition[] {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'production',
  };
  const channel = environment.channel;
  const channelEnv = {
    BENCH_TOKEN: channel.token,
    BENCH_ENCODING_AES_KEY: channel.encodingAesKey,
    BENCH_APP_ID: channel.appId,
    BENCH_CHANNEL_ID: channel.channelId,
  };
  const ingressEnv = (port: number, rabbitUrl: string, redisPrefix: string): NodeJS.ProcessEnv => ({
    ...base,
    MASTER_KEY: environment.masterKey,
    DATABASE_URL: environment.databaseUrl,
    RABBITMQ_URL: rabbitUrl,
    REDIS_URL: environment.redisUrl,
    MESSAGING_NAMESPACE: environment.namespace,
    REDIS_KEY_PREFIX: redisPrefix,
    RABBITMQ_RETRY_DELAYS_MS: environment.retryDelaysMs.join(','),
    INGRESS_PORT: String(port),
    INGRESS_MAX_CLOCK_SKEW_S: String(options.maxClockSkewS),
    HTTP_HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'log',
  });
  // (d)'s nonces in a Redis prefix of their own (inside the bench's, removed with it): the same
  // pushes as (a)'s would otherwise all be retries of pushes already seen.
  const spoolRedisPrefix = `${environment.redisPrefix}d:`;
  const targets: TargetDefinition[] = [
    {
      key: 'a' as const,
      label: 'ingress (NestJS on Fastify)',
      script: INGRESS_MAIN,
      readyRoute: '/health/ready',
      allChecksUp: true,
      outcomes: { metric: 'ingress_pushes_total', label: 'outcome' },
      env: (port: number) => ingressEnv(port, environment.rabbitUrl, environment.redisPrefix),
      queues: environment.ingressQueues,
    },
    {
      key: 'b' as const,
      label: 'bare node:http + confirmed publish',
      script: join(__dirname, 'bare-server.js'),
      readyRoute: '/health',
      allChecksUp: false,
      env: (port: number) => ({
        ...base,
        ...channelEnv,
        BENCH_PORT: String(port),
        RABBITMQ_URL: environment.rabbitUrl,
        BENCH_EXCHANGE: environment.exchange,
        BENCH_ROUTING_KEY: environment.bare.routingKey,
        BENCH_MAX_CLOCK_SKEW_S: String(options.maxClockSkewS),
      }),
      queues: [environment.bare.queue],
    },
    {
      key: 'c' as const,
      label: 'wechat npm middleware (express)',
      script: join(__dirname, 'wechat-package-server.js'),
      readyRoute: '/health',
      allChecksUp: false,
      env: (port: number) => ({ ...base, ...channelEnv, BENCH_PORT: String(port) }),
      queues: [],
    },
  ];
  if (deadBrokerUrl !== null) {
    targets.push({
      key: 'd' as const,
      label: 'ingress, RabbitMQ down: all spooled',
      script: INGRESS_MAIN,
      readyRoute: '/health/ready',
      allChecksUp: false,
      // Ready on the spool alone: RabbitMQ stays down.
      requiredUp: ['durable-acceptance', 'postgres', 'redis'],
      outcomes: { metric: 'ingress_pushes_total', label: 'outcome' },
      env: (port: number) => ingressEnv(port, deadBrokerUrl, spoolRedisPrefix),
      queues: environment.ingressQueues,
      drainEnv: (port: number) => ingressEnv(port, environment.rabbitUrl, spoolRedisPrefix),
    });
  }
  return targets.filter((target) => options.targets.includes(target.key));
}

const write = (text: string): void => {
  process.stdout.write(text);
};

const running = new Set<NodeProcess>();

async function runTarget(
  target: TargetDefinition,
  options: Options,
  environment: BenchEnvironment,
  pushes: { generator: PushGenerator; set: PushSet; rebuilt: number },
  runDirectory: string,
): Promise<TargetReport> {
  const port = await freePort();
  const profileDirectory = join(runDirectory, 'profiles');
  const profiled = options.cpuProf.includes(target.key);
  // (d) counts the spool; it starts empty (an earlier target may have spooled a few pushes).
  const spool =
    target.drainEnv === undefined ? null : await SpoolCounter.open(environment.databaseUrl);
  const clearedBefore = spool === null ? 0 : await spool.clear();
  const child = startNodeProcess({
    name: target.key,
    script: target.script,
    port,
    env: target.env(port),
    logDirectory: runDirectory,
    nodeArgs: profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [],
  });
  running.add(child);
  let report: TargetReport;
  let stopped = false;
  try {
    await waitUntilHealthy(child, target.readyRoute, {
      allChecksUp: target.allChecksUp,
      ...(target.requiredUp === undefined ? {} : { requiredUp: target.requiredUp }),
    });
    // Every push must still be inside the receivers' clock-skew window at the end of the run.
    const margin = 20;
    const endsAt = Date.now() / 1000 + options.warmupS + options.durationS + margin;
    if (endsAt - pushes.set.timestamp > options.maxClockSkewS) {
      pushes.set = pushes.generator.build();
      pushes.rebuilt++;
      write(`    (pushes re-signed with a fresh timestamp: same messages, nonces and sizes)\n`);
    }
    const cursor = new PushCursor(pushes.set.pushes);
    const url = child.url;
    write(`(${target.key}) ${target.label}: warm-up ${options.warmupS} s… `);
    const warmup =
      options.warmupS > 0
        ? await runLoad(
            { url, connections: options.connections, durationS: options.warmupS },
            cursor,
          )
        : emptyResult();
    write(`measuring ${options.durationS} s… `);
    const brokerPid = findPidByName('beam.smp');
    const redisPid = findPidByName('redis-server');
    const cpuNow = (): {
      server: number | null;
      broker: number | null;
      redis: number | null;
      database: Map<number, number> | null;
      machine: number | null;
      self: number;
    } => {
      const self = process.cpuUsage();
      return {
        server: processCpuMs(child.child.pid),
        broker: processCpuMs(brokerPid),
        redis: processCpuMs(redisPid),
        database: processGroupCpuMs('postgres', spool === null ? [] : [spool.backendPid]),
        machine: machineCpuMs(),
        self: (self.user + self.system) / 1000,
      };
    };
    const before = cpuNow();
    const measured = await runLoad(
      { url, connections: options.connections, durationS: options.durationS },
      cursor,
    );
    const after = cpuNow();
    const used = (key: 'server' | 'broker' | 'redis' | 'machine'): number | null => {
      const start = before[key];
      const end = after[key];
      return start === null || end === null ? null : end - start;
    };
    const perPush = (ms: number | null): number | null =>
      ms === null || measured.ok === 0 ? null : (ms * 1000) / measured.ok;
    const selfMs = after.self - before.self;
    const databaseMs = processGroupCpuDeltaMs(before.database, after.database);
    const cpuUsPerPush = {
      server: perPush(used('server')),
      broker: perPush(used('broker')),
      database: perPush(databaseMs),
      loadGenerator: perPush(selfMs) ?? 0,
    };
    // Whatever the machine spent beyond the target, RabbitMQ, Redis and autocannon: other work
    // (and a little unattributed kernel time), which takes cores from the target.
    const machineMs = used('machine');
    const otherCores =
      machineMs === null
        ? null
        : Math.max(
            0,
            (machineMs -
              selfMs -
              (used('server') ?? 0) -
              (used('broker') ?? 0) -
              (databaseMs ?? 0) -
              (used('redis') ?? 0)) /
              (measured.durationS * 1000),
          );
    write(
      `${Math.round(measured.pushesPerSecond).toLocaleString('en-US')} pushes/s, p99 ${measured.latencyMs.p99} ms\n`,
    );
    report = {
      key: target.key,
      label: target.label,
      warmup,
      measured,
      cpuUsPerPush,
      otherCores,
    };
    // Pushes in flight when the load stopped are still being committed: count once they are.
    const spoolRows = spool === null ? null : await spool.settled();
    if (target.outcomes !== undefined) {
      report.outcomes = await counterByLabel(
        `${url}/metrics`,
        target.outcomes.metric,
        target.outcomes.label,
      );
    }
    if (spool !== null && spoolRows !== null) {
      report.spoolCheck = spoolCheck(
        warmup.ok + measured.ok,
        spoolRows,
        report.outcomes ?? {},
        await gaugeValue(`${url}/metrics`, 'ingress_fallback_depth'),
        // Each run (warm-up, measured) may end with one push in flight per connection.
        options.connections * (options.warmupS > 0 ? 2 : 1),
        clearedBefore,
      );
    } else if (target.queues.length > 0) {
      const successAnswers = warmup.ok + measured.ok;
      const queues = await settledCounts(environment.rabbitUrl, target.queues, successAnswers);
      const spooled = target.key === 'a' ? await spooledPushes(environment.databaseUrl) : null;
      const landed = Math.min(...Object.values(queues)) + (spooled ?? 0);
      report.queueCheck = { successAnswers, queues, spooled, ok: landed >= successAnswers };
    }
    await stopProcess(child, PROFILE_GRACE_MS);
    running.delete(child);
    stopped = true;
    if (spool !== null && target.drainEnv !== undefined) {
      write(`(${target.key}) draining the spool: ingress restarted with RabbitMQ reachable… `);
      report.drain = await measureDrain(
        target.key,
        target.drainEnv,
        target.queues,
        environment,
        spool,
        runDirectory,
      );
      write(`${Math.round(report.drain.rowsPerSecond).toLocaleString('en-US')} pushes/s\n`);
    }
  } finally {
    if (!stopped) {
      await stopProcess(child, PROFILE_GRACE_MS);
      running.delete(child);
    }
    await spool?.close();
  }
  if (target.queues.length > 0) {
    // Each target starts from empty queues, and the broker does not carry the backlog along.
    await purgeQueues(environment.rabbitUrl, target.queues);
  }
  if (profiled && existsSync(profileDirectory)) {
    const file = readdirSync(profileDirectory)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(profileDirectory, name))
      .sort()
      .pop();
    if (file !== undefined) {
      report.cpuProfile = { file, top: summarizeProfile(file) };
    }
  }
  return report;
}

function spoolCheck(
  successAnswers: number,
  spoolRows: number,
  outcomes: Record<string, number>,
  depthGauge: number | null,
  inFlightAllowance: number,
  clearedBefore: number,
): SpoolCheck {
  const spooledOutcome = outcomes['spooled'] ?? null;
  const publishedOutcome = outcomes['published'] ?? null;
  const extra = spoolRows - successAnswers;
  return {
    successAnswers,
    spoolRows,
    spooledOutcome,
    publishedOutcome,
    depthGauge,
    inFlightAllowance,
    clearedBefore,
    ok:
      extra >= 0 &&
      extra <= inFlightAllowance &&
      spooledOutcome === spoolRows &&
      (publishedOutcome ?? 0) === 0,
  };
}

/**
 * Restarts the ingress with RabbitMQ reachable (same database and namespace) and times its outbox
 * relay publishing the whole spool: from the last count that still found every row (the relay
 * deletes a batch once RabbitMQ confirmed it) until the spool is empty. Then checks that each of
 * the ingress's queues received one message per row.
 */
async function measureDrain(
  key: TargetKey,
  drainEnv: (port: number) => NodeJS.ProcessEnv,
  queues: readonly string[],
  environment: BenchEnvironment,
  spool: SpoolCounter,
  runDirectory: string,
): Promise<DrainReport> {
  const rows = await spool.count();
  const port = await freePort();
  const child = startNodeProcess({
    name: `${key}-drain`,
    script: INGRESS_MAIN,
    port,
    env: drainEnv(port),
    logDirectory: runDirectory,
  });
  running.add(child);
  let died = false;
  void child.exited.then(() => {
    died = true;
  });
  const brokerPid = findPidByName('beam.smp');
  const sample = (): {
    at: number;
    server: number | null;
    broker: number | null;
    database: Map<number, number> | null;
  } => ({
    at: performance.now(),
    server: processCpuMs(child.child.pid),
    broker: processCpuMs(brokerPid),
    database: processGroupCpuMs('postgres', [spool.backendPid]),
  });
  try {
    // Generous: the start of the process and at least 200 rows/s.
    const deadline = Date.now() + 30_000 + rows * 5;
    let before = sample();
    let after = before;
    let left = rows;
    while (left > 0 && Date.now() < deadline) {
      if (died) {
        throw new Error(`${child.name} exited while draining; see ${child.logFile}`);
      }
      const now = sample();
      left = await spool.count();
      if (left >= rows) {
        before = now;
      }
      after = left === 0 ? sample() : now;
      if (left > 0) {
        await new Promise((resolveSleep) => setTimeout(resolveSleep, DRAIN_POLL_MS));
      }
    }
    const drained = rows - left;
    const seconds = (after.at - before.at) / 1000;
    const delta = (start: number | null, end: number | null): number | null =>
      start === null || end === null || drained === 0 ? null : ((end - start) * 1000) / drained;
    const databaseMs = processGroupCpuDeltaMs(before.database, after.database);
    const counts = await settledCounts(environment.rabbitUrl, queues, rows);
    return {
      rows,
      seconds,
      rowsPerSecond: seconds > 0 ? drained / seconds : 0,
      completed: left === 0,
      rowsLeft: left,
      queues: counts,
      ok: left === 0 && Object.values(counts).every((count) => count === rows),
      cpuUsPerRow: {
        server: delta(before.server, after.server),
        broker: delta(before.broker, after.broker),
        database: databaseMs === null || drained === 0 ? null : (databaseMs * 1000) / drained,
      },
    };
  } finally {
    await stopProcess(child, PROFILE_GRACE_MS);
    running.delete(child);
  }
}

function emptyResult(): TargetReport['measured'] {
  return {
    durationS: 0,
    pushesPerSecond: 0,
    ok: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: {},
    latencyMs: { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 },
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  if (
    (options.targets.includes('a') || options.targets.includes('d')) &&
    !existsSync(INGRESS_MAIN)
  ) {
    throw new Error(`${INGRESS_MAIN} is missing: run npm run build first`);
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const runDirectory = join(REPOSITORY_ROOT, '.run', 'bench', `ingress-${stamp}`);
  mkdirSync(runDirectory, { recursive: true });

  const cleanups = new Cleanups();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    write(`\n${signal}: stopping and cleaning up…\n`);
    void Promise.all([...running].map((child) => stopProcess(child, 5_000)))
      .then(() => cleanups.runAll())
      .finally(() => {
        write('Cleaned up.\n');
        process.exit(130);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Other work on the machine takes cores from the targets: say so instead of reporting low figures silently.
  const busyBefore = await machineBusy();
  if (busyBefore !== null && busyBefore > 0.15) {
    write(
      `Note: ${Math.round(busyBefore * 100)} % of the CPU was busy before the start: other work is running, the figures will be lower than on a quiet machine.\n`,
    );
  }
  try {
    write('Setting up: database, channel, RabbitMQ namespace, Redis prefix… ');
    const environment = await createEnvironment(cleanups);
    write(`done (${environment.namespace}).\n`);
    const generator = new PushGenerator(environment.channel, options.pushes);
    const pushes = { generator, set: generator.build(), rebuilt: 0 };
    const averageBody = Math.round(pushes.set.bodyBytes / pushes.set.pushes.length);
    write(
      `${pushes.set.pushes.length.toLocaleString('en-US')} secure-mode text pushes (unique nonce and MsgId, CJK text, ~${averageBody} B body); ` +
        `${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s per target, one target at a time.\n\n`,
    );

    // (d)'s RabbitMQ: a port that accepts connections and closes them at once.
    let deadBrokerUrl: string | null = null;
    if (options.targets.includes('d')) {
      const deadBroker = await startDeadBroker();
      cleanups.add('closed RabbitMQ port', deadBroker.close);
      deadBrokerUrl = deadBroker.url;
    }
    const reports: TargetReport[] = [];
    for (const target of targetDefinitions(environment, options, deadBrokerUrl)) {
      reports.push(await runTarget(target, options, environment, pushes, runDirectory));
    }

    const goals = evaluateGoals(reports);
    write(`\n${formatTable(reports)}\n\n`);
    for (const report of reports) {
      for (const line of [formatQueueCheck(report), formatSpoolCheck(report)]) {
        if (line !== undefined) {
          write(`${line}\n`);
        }
      }
      const outcomes = Object.entries(report.outcomes ?? {});
      if (outcomes.length > 0) {
        const listed = outcomes
          .map(([outcome, count]) => `${outcome} ${Math.round(count).toLocaleString('en-US')}`)
          .join(', ');
        const fallback = report.key !== 'd' && (report.outcomes?.['spooled'] ?? 0) > 0;
        write(
          `(${report.key}) outcomes it counted: ${listed}${fallback ? ' (some took the spool, not the publish path)' : ''}\n`,
        );
      }
      const drain = formatDrain(report);
      if (drain !== undefined) {
        write(`${drain}\n`);
      }
    }
    for (const report of reports.filter((r) => r.measured.non2xx + r.measured.errors > 0)) {
      write(
        `(${report.key}) status codes ${JSON.stringify(report.measured.statusCodes)}, ${report.measured.errors} connection errors (${report.measured.timeouts} timeouts); log: ${join(runDirectory, `${report.key}.log`)}\n`,
      );
    }
    for (const report of reports) {
      if (report.otherCores !== null && report.otherCores > OTHER_WORK_WARNING_CORES) {
        write(
          `(${report.key}) other processes used ~${report.otherCores.toFixed(1)} of ${cpus().length} cores during its run: its figures are lower than on a quiet machine.\n`,
        );
      }
    }
    write(`\n${formatGoals(goals)}\n`);
    for (const report of reports) {
      if (report.cpuProfile !== undefined) {
        write(`\n(${report.key}) CPU profile ${report.cpuProfile.file}, self time:\n`);
        for (const entry of report.cpuProfile.top) {
          write(`  ${entry.selfPercent.toFixed(1).padStart(5)} %  ${entry.function}\n`);
        }
      }
    }

    const resultFile = join(REPOSITORY_ROOT, '.run', 'bench', `ingress-${stamp}.json`);
    const cpuList = cpus();
    writeFileSync(
      resultFile,
      `${JSON.stringify(
        {
          bench: 'ingress',
          startedAt: startedAt.toISOString(),
          machine: {
            node: process.version,
            cpus: cpuList.length,
            cpuModel: cpuList[0]?.model ?? 'unknown',
            memoryBytes: totalmem(),
            loadAverageAtStart: loadavg(),
            cpuBusyBeforeStart: busyBefore,
          },
          options: {
            durationS: options.durationS,
            warmupS: options.warmupS,
            connections: options.connections,
            pushes: options.pushes,
            averageBodyBytes: averageBody,
            resignedSets: pushes.rebuilt,
          },
          targets: reports,
          goals,
        },
        null,
        2,
      )}\n`,
    );
    write(`\nResults: ${resultFile}\nLogs: ${runDirectory}\n`);
  } finally {
    write('Cleaning up… ');
    await Promise.all([...running].map((child) => stopProcess(child, 5_000)));
    await cleanups.runAll();
    write('done.\n');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
