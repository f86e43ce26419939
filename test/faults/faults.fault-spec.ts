import { Cleanups } from '../../tools/bench/ingress/environment';
import { FaultCluster } from './support/cluster';
import { Infra } from './support/infra';
import { FaultLoad, retriesOf, sleep } from './support/load';
import { SCENARIOS, type FaultProfile } from './support/scenarios';
import { judge, settle, type Criterion } from './support/verdict';

/**
 * `npm run test:faults`: the real services as processes (several workers each), the local
 * PostgreSQL, RabbitMQ and Redis, customers writing and agents replying all along; each fault is
 * injected during the load, then the system is left to settle and counted from the database and
 * the simulator. FAULTS_PROFILE=short (CI) shortens the faults; FAULTS_ONLY=<words> picks some.
 */

const profile: FaultProfile = process.env['FAULTS_PROFILE'] === 'short' ? 'short' : 'full';
const only = (process.env['FAULTS_ONLY'] ?? '').toLowerCase();
const scenarios = SCENARIOS.filter(
  (scenario) => only === '' || scenario.name.toLowerCase().includes(only),
);
const RESUME_LIMIT_MS = 10_000;

const cleanups = new Cleanups();
let cluster: FaultCluster;
let load: FaultLoad;
let poisonSent = 0;
const results: Array<{
  fault: string;
  pushes: number;
  acknowledged: number;
  retries: number;
  resumeMs: number;
  flowMs: number;
  settleMs: number;
  detail: string;
  failed: string[];
}> = [];

/** From now until a new customer message is visible to agents (the pipeline flowing). */
async function timeToFlow(): Promise<number> {
  const endedAt = Date.now();
  const deadline = endedAt + 60_000;
  while (Date.now() < deadline) {
    const push = await load.probe();
    if (push.acknowledged) {
      while (Date.now() < deadline) {
        const [row] = await cluster.system.query<{ n: string }>(
          `SELECT count(*) AS n FROM desk.message_views WHERE text = '${push.content}'`,
        );
        if (Number(row?.n ?? 0) > 0) {
          return Date.now() - endedAt;
        }
        await sleep(100);
      }
    }
  }
  return Date.now() - endedAt;
}

beforeAll(async () => {
  await Infra.ensureAllUp();
  cluster = new FaultCluster(cleanups);
  await cluster.start();
  load = new FaultLoad(cluster, {
    customers: profile === 'full' ? 60 : 30,
    pushesPerSecond: profile === 'full' ? 30 : 20,
    repliesPerSecond: profile === 'full' ? 4 : 3,
    duplicateRatio: 0.05,
    quotaCustomers: 3,
    quotaRepliesEach: 6,
  });
  await load.registerCustomers();
  load.start();
  await sleep(5_000);
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await Infra.ensureAllUp().catch((error: unknown) => {
    process.stderr.write(`could not bring the local services back: ${String(error)}\n`);
  });
  await cleanups.runAll();
  const table = [
    '',
    `fault suite (${profile}): ${results.length} faults`,
    '| fault | what it hit | pushes | acked | retries | processes ready after | new message at agents after | settled in | failed criteria |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (row) =>
        `| ${row.fault} | ${row.detail} | ${row.pushes} | ${row.acknowledged} | ${row.retries} | ${(row.resumeMs / 1000).toFixed(1)} s | ${(row.flowMs / 1000).toFixed(1)} s | ${(row.settleMs / 1000).toFixed(1)} s | ${row.failed.length === 0 ? 'none' : row.failed.join('; ')} |`,
    ),
    '',
  ];
  process.stdout.write(`${table.join('\n')}\n`);
}, 180_000);

describe(`the system under faults (${profile})`, () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s: nothing lost, nothing doubled, order kept, every process ready within 10 s',
    async (_name, scenario) => {
      const before = load.pushes.length;
      load.phase = scenario.name;
      const outcome = await scenario.inject({ cluster, load, profile });
      // Two clocks from the fault's end: every process ready with all its dependencies (the
      // criterion), and a new message reaching agents (behind whatever backlog the fault built).
      const resumeMs = await cluster.untilAllReady(60_000);
      const flowMs = resumeMs + (await timeToFlow());
      load.phase = '';
      poisonSent += outcome.poison ?? 0;
      const owed = load.pushes.filter((push) => push.acknowledged);
      const owedReplies = [...load.replies];
      const settleMs = await settle(cluster, owed, owedReplies);
      const criteria: Criterion[] = await judge(cluster, load, owed, owedReplies, poisonSent);
      const during = load.pushes.slice(before);
      const failed = criteria.filter((criterion) => !criterion.passed);
      const ungraceful = (outcome.exitCodes ?? []).filter(
        (exit) => exit.code !== 0 && exit.code !== 'SIGTERM',
      );
      results.push({
        fault: scenario.name,
        pushes: during.length,
        acknowledged: during.filter((push) => push.acknowledged).length,
        retries: retriesOf(during),
        resumeMs,
        flowMs,
        settleMs,
        detail: outcome.detail ?? '',
        failed: [
          ...failed.map((criterion) => `${criterion.name}: ${criterion.detail}`),
          ...(resumeMs > RESUME_LIMIT_MS ? [`processes ready again after ${resumeMs} ms`] : []),
          ...ungraceful.map((exit) => `${exit.name} exited ${String(exit.code)} on SIGTERM`),
        ],
      });
      expect(failed).toEqual([]);
      expect(ungraceful).toEqual([]);
      expect(resumeMs).toBeLessThanOrEqual(RESUME_LIMIT_MS);
    },
    600_000,
  );

  it('once the load stops: every acknowledged push and every reply accounted for', async () => {
    await load.stop();
    const owed = load.pushes.filter((push) => push.acknowledged);
    const owedReplies = [...load.replies];
    const settleMs = await settle(cluster, owed, owedReplies);
    const criteria = await judge(cluster, load, owed, owedReplies, poisonSent);
    process.stdout.write(
      `\nafter the load (settled in ${(settleMs / 1000).toFixed(1)} s):\n${criteria
        .map(
          (criterion) =>
            `- ${criterion.passed ? 'pass' : 'FAIL'} ${criterion.name}: ${criterion.detail}`,
        )
        .join('\n')}\n`,
    );
    expect(criteria.filter((criterion) => !criterion.passed)).toEqual([]);
  }, 300_000);
});
