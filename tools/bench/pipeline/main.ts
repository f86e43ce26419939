import { PushGenerator } from '../ingress/pushes';
import { Cleanups } from '../ingress/environment';
import {
  findPidByName,
  machineCpuMs,
  processCpuMs,
  processGroupCpuDeltaMs,
  processGroupCpuMs,
} from '../ingress/processes';
import { openLiveStream, type LiveStream } from './live-stream';
import { PipelineSystem, type StageRow, type WorkerCounts } from './system';
import { sendAtSteadyRate, type SentPush } from './steady-load';

/**
 * `npm run bench:pipeline`: push-to-ticket latency. Every push comes from a new customer, so each
 * one makes a contact, a message and a ticket; the clock stops when the desk API's live stream
 * announces the ticket (its ticket view and the stream event commit in one transaction).
 * Flags: --rate=500 --duration=60 --warmup=5 --workers=conversation:1,ticketing:1,desk-api:1
 */
interface Options {
  rate: number;
  durationS: number;
  warmupS: number;
  workers: WorkerCounts;
}

const GOAL = { rate: 500, p99Ms: 250 };

function parseOptions(argv: readonly string[]): Options {
  const flag = (name: string): string | undefined =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const workers: WorkerCounts = { conversation: 1, ticketing: 1, 'desk-api': 1 };
  for (const part of (flag('workers') ?? '').split(',').filter(Boolean)) {
    const [app, count] = part.split(':');
    if (app !== 'conversation' && app !== 'ticketing' && app !== 'desk-api') {
      throw new Error(`--workers: unknown service ${app ?? ''}`);
    }
    workers[app] = Number(count);
  }
  return {
    rate: Number(flag('rate') ?? GOAL.rate),
    durationS: Number(flag('duration') ?? 60),
    warmupS: Number(flag('warmup') ?? 5),
    workers,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (value: number): string => `${value.toFixed(0)} ms`;
  return `p50 ${f(percentile(sorted, 50))} · p99 ${f(percentile(sorted, 99))} · max ${f(sorted[sorted.length - 1] ?? NaN)}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cleanups = new Cleanups();
  const stop = (): void => {
    void cleanups.runAll().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  let stream: LiveStream | null = null;
  try {
    const system = new PipelineSystem(cleanups);
    process.stdout.write(
      `starting the system (conversation ×${options.workers.conversation}, ticketing ×${options.workers.ticketing}, desk-api ×${options.workers['desk-api']})…\n`,
    );
    await system.start(options.workers);
    const channel = await system.createChannel();

    const total = Math.round(options.rate * (options.warmupS + options.durationS));
    process.stdout.write(`generating ${total} pushes from ${total} customers…\n`);
    const pushes = new PushGenerator(channel, total, total).build().pushes;

    const visibleAt = new Map<string, number>();
    stream = await openLiveStream(system.deskApiUrl, system.accessToken, (event, receivedAtMs) => {
      if (event.event !== 'ticket.created') {
        return;
      }
      const ticket = JSON.parse(event.data) as { contact?: { openId?: string } };
      const openId = ticket.contact?.openId;
      if (openId !== undefined && !visibleAt.has(openId)) {
        visibleAt.set(openId, receivedAtMs);
      }
    });

    const pids = system.services.map((service) => ({ name: service.name, pid: service.child.pid }));
    const brokerPid = findPidByName('beam.smp');
    const redisPid = findPidByName('redis-server');
    const cpuBefore = {
      services: pids.map(({ pid }) => processCpuMs(pid)),
      broker: processCpuMs(brokerPid),
      redis: processCpuMs(redisPid),
      postgres: processGroupCpuMs('postgres'),
      self: process.cpuUsage(),
      machine: machineCpuMs(),
    };

    process.stdout.write(
      `sending ${options.rate} pushes/s for ${options.warmupS + options.durationS} s (the first ${options.warmupS} s are warm-up)…\n`,
    );
    const startedAtMs = Date.now();
    const sent = await sendAtSteadyRate(system.ingressUrl, pushes, options.rate);
    const sendingMs = Date.now() - startedAtMs;
    const drainDeadline = Date.now() + 30_000;
    while (visibleAt.size < sent.length && Date.now() < drainDeadline) {
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    }
    const drainedMs = Date.now() - startedAtMs;

    const cpuAfter = {
      services: pids.map(({ pid }) => processCpuMs(pid)),
      broker: processCpuMs(brokerPid),
      redis: processCpuMs(redisPid),
      postgres: processGroupCpuMs('postgres'),
      self: process.cpuUsage(cpuBefore.self),
      machine: machineCpuMs(),
    };

    const measured = sent.filter((push) => push.sentAtMs - startedAtMs >= options.warmupS * 1000);
    const latencies: number[] = [];
    let missing = 0;
    for (const push of measured) {
      const at = visibleAt.get(push.openId);
      if (at === undefined) {
        missing += 1;
      } else {
        latencies.push(at - push.sentAtMs);
      }
    }
    const refused = sent.filter((push) => push.status !== 200).length;
    const windowS = options.durationS;
    const firstMeasured = measured[0]?.sentAtMs ?? startedAtMs;
    const lastMeasured = measured[measured.length - 1]?.sentAtMs ?? startedAtMs;
    const visibleInWindow = measured.filter((push) => {
      const at = visibleAt.get(push.openId);
      return at !== undefined && at <= lastMeasured;
    }).length;

    const out: string[] = [];
    out.push('');
    out.push(
      `push-to-ticket (push sent → ticket announced by the desk API), ${measured.length} pushes after warm-up:`,
    );
    out.push(`  ${summary(latencies)}${missing > 0 ? ` · ${missing} never seen` : ''}`);
    out.push(`baseline in this run, push-to-acknowledgement (what WeChat waits for):`);
    out.push(
      `  ${summary(measured.filter((p) => p.ackedAtMs !== null).map((p) => (p.ackedAtMs ?? 0) - p.sentAtMs))}`,
    );
    out.push(
      `throughput: offered ${(measured.length / windowS).toFixed(0)} pushes/s; tickets visible within the window ${(visibleInWindow / ((lastMeasured - firstMeasured) / 1000 || 1)).toFixed(0)}/s; ${refused} pushes not answered 200`,
    );
    out.push(
      `all ${sent.length} tickets visible after ${(drainedMs / 1000).toFixed(1)} s (sending took ${(sendingMs / 1000).toFixed(1)} s); desk API lists ${await system.countTickets()}`,
    );

    const stages = await system.ticketStages();
    const byOpenId = new Map(stages.map((row) => [row.open_id, row]));
    const stage = (pick: (push: SentPush, row: StageRow, seen: number) => number): number[] =>
      measured.flatMap((push) => {
        const row = byOpenId.get(push.openId);
        const seen = visibleAt.get(push.openId);
        return row === undefined || seen === undefined || push.ackedAtMs === null
          ? []
          : [pick(push, row, seen)];
      });
    out.push('where the time goes (stage latency; database timestamps are transaction starts):');
    out.push(
      `  ingress (sent → acknowledged)              ${summary(stage((p) => (p.ackedAtMs ?? 0) - p.sentAtMs))}`,
    );
    out.push(
      `  → conversation recorded the message        ${summary(stage((p, r) => r.recorded_ms - (p.ackedAtMs ?? 0)))}`,
    );
    out.push(
      `  → ticketing created the ticket             ${summary(stage((_, r) => r.ticket_ms - r.recorded_ms))}`,
    );
    out.push(
      `  → desk-api projected it                    ${summary(stage((_, r) => r.live_ms - r.ticket_ms))}`,
    );
    out.push(
      `  → the stream delivered it                  ${summary(stage((_, r, seen) => seen - r.live_ms))}`,
    );

    const perPush = (ms: number | null): string =>
      ms === null ? 'n/a' : `${((ms * 1000) / sent.length).toFixed(0)} µs`;
    const delta = (before: number | null | undefined, after: number | null | undefined) =>
      before === null || before === undefined || after === null || after === undefined
        ? null
        : after - before;
    out.push(`CPU per push over the run (send and drain, ${(drainedMs / 1000).toFixed(1)} s):`);
    pids.forEach(({ name }, index) => {
      out.push(
        `  ${name.padEnd(16)} ${perPush(delta(cpuBefore.services[index], cpuAfter.services[index]))}`,
      );
    });
    out.push(
      `  ${'postgres'.padEnd(16)} ${perPush(processGroupCpuDeltaMs(cpuBefore.postgres, cpuAfter.postgres))}`,
    );
    out.push(`  ${'rabbitmq'.padEnd(16)} ${perPush(delta(cpuBefore.broker, cpuAfter.broker))}`);
    out.push(`  ${'redis'.padEnd(16)} ${perPush(delta(cpuBefore.redis, cpuAfter.redis))}`);
    out.push(
      `  ${'load generator'.padEnd(16)} ${perPush((cpuAfter.self.user + cpuAfter.self.system) / 1000)}`,
    );
    if (cpuBefore.machine !== null && cpuAfter.machine !== null) {
      out.push(
        `  machine busy     ${(((cpuAfter.machine - cpuBefore.machine) / (drainedMs * 2)) * 100).toFixed(0)}% of 2 cores`,
      );
    }
    const p99 = percentile(
      [...latencies].sort((a, b) => a - b),
      99,
    );
    const sustained =
      missing === 0 && refused === 0 && measured.length / windowS >= GOAL.rate * 0.99;
    out.push(
      `goal (${GOAL.rate} pushes/s sustained, p99 < ${GOAL.p99Ms} ms): ${sustained && p99 < GOAL.p99Ms ? 'met' : 'NOT met'} (p99 ${p99.toFixed(0)} ms${sustained ? '' : ', not sustained'})`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    stream?.close();
    await cleanups.runAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
