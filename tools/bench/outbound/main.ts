import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPOSITORY_ROOT } from '../../launcher';
import { Cleanups } from '../ingress/environment';
import { machineBusy } from '../ingress/processes';
import { openLiveStream, type LiveStream } from '../pipeline/live-stream';
import { PipelineSystem } from '../pipeline/system';
import { CpuProbe } from './cpu';
import { createCustomers } from './customers';
import { sendRepliesAtSteadyRate, type PlannedReply, type SentReply } from './replies';
import {
  comparisonTable,
  cpuTable,
  latencyTable,
  percentile,
  stageFigures,
  stagesTable,
  workerShares,
  type Claim,
  type Delivery,
  type RunFigures,
  type StageRaw,
} from './report';

/**
 * `npm run bench:outbound`: agent reply → WeChat. For each outbound worker count (the first is
 * the baseline), the whole system starts afresh; customers push one message each through the
 * ingress and are told to the simulator as having written; then the desk API gets replies at
 * steady rates (POST /api/v1/tickets/:id/messages), and for each reply the bench times the
 * answer, the simulator's delivery record (`at`) and the live stream's `sent`.
 * Flags: --workers=1,3 --rate=20,50,100 --duration=15 --warmup=3 --replies-per-customer=3 --drain=30
 */
interface Options {
  workers: number[];
  rates: number[];
  durationS: number;
  warmupS: number;
  repliesPerCustomer: number;
  drainS: number;
}

/** The system at rest after the customers' tickets, before any reply: its own CPU use. */
const IDLE_SAMPLE_MS = 3_000;

/** WeChat accepts 5 custom messages per customer message (since June 2023). */
const WINDOW_SENDS = 5;

function parseOptions(argv: readonly string[]): Options {
  const flag = (name: string): string | undefined =>
    argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const list = (name: string, fallback: string): number[] => {
    const values = (flag(name) ?? fallback).split(',').filter(Boolean).map(Number);
    if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`--${name}: a comma-separated list of whole numbers ≥ 1`);
    }
    return values;
  };
  const options: Options = {
    workers: list('workers', '1,3'),
    rates: list('rate', '20,50,100'),
    durationS: Number(flag('duration') ?? 15),
    warmupS: Number(flag('warmup') ?? 3),
    repliesPerCustomer: Number(flag('replies-per-customer') ?? 3),
    drainS: Number(flag('drain') ?? 30),
  };
  if (
    !Number.isInteger(options.repliesPerCustomer) ||
    options.repliesPerCustomer < 1 ||
    options.repliesPerCustomer > WINDOW_SENDS
  ) {
    throw new Error(`--replies-per-customer: 1–${WINDOW_SENDS} (WeChat's sends per message)`);
  }
  return options;
}

interface StagePlan {
  label: string;
  rate: number;
  durationS: number;
  measured: boolean;
}

function stagePlans(options: Options): StagePlan[] {
  const first = options.rates[0] ?? 20;
  return [
    ...(options.warmupS > 0
      ? [{ label: 'warm-up', rate: first, durationS: options.warmupS, measured: false }]
      : []),
    ...options.rates.map((rate) => ({
      label: `${rate}/s`,
      rate,
      durationS: options.durationS,
      measured: true,
    })),
  ];
}

const REPLY_PHRASES = [
  '您好，您的订单已经发出，预计明天送达。',
  '抱歉让您久等了，退款已经处理，请留意到账通知。',
  '发票已经开好，电子版会发送到您的邮箱。',
  '收货地址已为您修改，请核对一下。',
];

let current: Cleanups | null = null;

async function runWithWorkers(workers: number, options: Options): Promise<RunFigures> {
  const cleanups = new Cleanups();
  current = cleanups;
  let stream: LiveStream | null = null;
  try {
    const system = new PipelineSystem(cleanups);
    const busy = await machineBusy();
    process.stdout.write(
      `\n--- outbound ×${workers} ---\n${busy === null ? '' : `machine busy before the start: ${Math.round(busy * 100)} %${busy > 0.2 ? ' (other work is running: the figures will be lower than on a quiet machine)' : ''}\n`}starting the system…\n`,
    );
    await system.start(
      { conversation: 1, ticketing: 1, 'desk-api': 1 },
      { outbound: workers, label: 'outbound' },
    );
    const channel = await system.createChannel();

    const ticketOf = new Map<string, string>();
    const sentAt = new Map<string, number>();
    const failedWith = new Map<string, string>();
    stream = await openLiveStream(system.deskApiUrl, system.accessToken, (event, receivedAtMs) => {
      if (event.event === 'ticket.created') {
        const ticket = JSON.parse(event.data) as { id?: string; contact?: { openId?: string } };
        const openId = ticket.contact?.openId;
        if (openId !== undefined && ticket.id !== undefined && !ticketOf.has(openId)) {
          ticketOf.set(openId, ticket.id);
        }
      } else if (event.event === 'message.updated') {
        const message = JSON.parse(event.data) as {
          id: string;
          status?: string;
          failure?: { code: string };
        };
        if (message.status === 'sent' && !sentAt.has(message.id)) {
          sentAt.set(message.id, receivedAtMs);
        } else if (message.status === 'failed') {
          failedWith.set(message.id, message.failure?.code ?? 'FAILED');
        }
      }
    });

    const plans = stagePlans(options);
    const counts = plans.map((plan) => Math.round(plan.rate * plan.durationS));
    const total = counts.reduce((sum, count) => sum + count, 0);
    const customerCount = Math.ceil(total / options.repliesPerCustomer);
    process.stdout.write(
      `creating ${customerCount} customers (one pushed message each, told to the simulator)…\n`,
    );
    const createdAtMs = Date.now();
    const customers = await createCustomers(system, channel, customerCount, ticketOf);
    process.stdout.write(`  ready in ${((Date.now() - createdAtMs) / 1000).toFixed(1)} s\n`);

    // Reply k goes to customer k mod C: at most repliesPerCustomer each, C replies apart.
    const tag = randomBytes(3).toString('hex');
    let k = 0;
    const planned: PlannedReply[][] = counts.map((count) =>
      Array.from({ length: count }, (): PlannedReply => {
        const customer = customers[k % customers.length];
        if (customer === undefined) {
          throw new Error('no customers');
        }
        const text = `${REPLY_PHRASES[k % REPLY_PHRASES.length] ?? ''}（${tag}-${k}）`;
        k += 1;
        return { ticketId: customer.ticketId, openId: customer.openId, text };
      }),
    );

    const probe = new CpuProbe(system);
    const idleFrom = probe.sample();
    await new Promise((resolveSleep) => setTimeout(resolveSleep, IDLE_SAMPLE_MS));
    const idle = probe.use(idleFrom, probe.sample());
    const raws: StageRaw[] = [];
    for (const [index, plan] of plans.entries()) {
      const replies = planned[index] ?? [];
      process.stdout.write(
        `${plan.label === 'warm-up' ? 'warm-up: ' : ''}${replies.length} replies at ${plan.rate}/s…`,
      );
      const before = probe.sample();
      const sent: SentReply[] = await sendRepliesAtSteadyRate(
        system.deskApiUrl,
        system.accessToken,
        replies,
        plan.rate,
      );
      const sendingDoneMs = Date.now();
      const deadline = sendingDoneMs + options.drainS * 1000;
      const settled = (reply: SentReply): boolean =>
        reply.replyId === null || sentAt.has(reply.replyId) || failedWith.has(reply.replyId);
      while (!sent.every(settled) && Date.now() < deadline) {
        await new Promise((resolveSleep) => setTimeout(resolveSleep, 50));
      }
      const after = probe.sample();
      const open = sent.filter((reply) => !settled(reply)).length;
      process.stdout.write(
        ` drained ${((Date.now() - sendingDoneMs) / 1000).toFixed(1)} s after the last POST${open > 0 ? `; ${open} still not sent after ${options.drainS} s` : ''}\n`,
      );
      raws.push({ ...plan, replies: sent, cpu: probe.use(before, after) });
    }

    const deliveries = await simulatorDeliveries(system.simulatorUrl, channel.appId);
    const byText = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      const content = (delivery.payload as { content?: unknown } | null)?.content;
      if (typeof content === 'string') {
        byText.set(content, [...(byText.get(content) ?? []), delivery]);
      }
    }
    const claims = new Map(
      (
        await system.query<Claim>(`SELECT reply_id::text, status, slot_kind,
            (extract(epoch FROM created_at) * 1000)::float8 AS claimed_ms
          FROM outbound.reply_sends`)
      ).map((claim) => [claim.reply_id, claim]),
    );
    const ledger = await system.query<{ status: string; slot_kind: string | null; n: number }>(
      `SELECT status, slot_kind, count(*)::int AS n FROM outbound.reply_sends
        GROUP BY status, slot_kind ORDER BY n DESC`,
    );
    const desk = await system.query<{ status: string | null; n: number }>(
      `SELECT status, count(*)::int AS n FROM desk.message_views WHERE direction = 'out'
        GROUP BY status ORDER BY n DESC`,
    );
    const stages = raws.map((raw) => stageFigures(raw, byText, claims, { sentAt, failedWith }));
    const measured = stages.filter((stage) => stage.measured);

    const out: string[] = [''];
    out.push(
      `outbound ×${workers}: ${customers.length} customers, at most ${options.repliesPerCustomer} replies each (${total} replies, ${deliveries.length} deliveries at the simulator)`,
    );
    out.push(latencyTable(measured));
    out.push('where the time goes (p50 / p95 / p99; "claimed" is outbound’s ledger row):');
    out.push(stagesTable(measured));
    out.push(
      'CPU (from /proc): cores each part kept busy, idle and over each stage (sending and draining):',
    );
    out.push(cpuTable(idle, measured));
    out.push(`outbound CPU by worker over the measured stages: ${workerShares(measured)}`);
    out.push(
      `outbound ledger: ${ledger.map((row) => `${row.status}${row.slot_kind === null ? '' : ` (${row.slot_kind})`} ${row.n}`).join(', ')}; desk replies: ${desk.map((row) => `${row.status ?? 'none'} ${row.n}`).join(', ')}`,
    );
    for (const stage of measured) {
      const problems = [
        stage.duplicated > 0 ? `${stage.duplicated} delivered more than once` : '',
        stage.undelivered > 0 ? `${stage.undelivered} never delivered` : '',
        stage.posted > stage.queued ? `${stage.posted - stage.queued} POSTs not 202` : '',
        stage.notSeenSent > 0 ? `${stage.notSeenSent} never shown sent` : '',
        ...Object.entries(stage.failures).map(([code, n]) => `${n} failed ${code}`),
      ].filter(Boolean);
      if (problems.length > 0) {
        out.push(`  ${stage.label}: ${problems.join(', ')}`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return { workers, customers: customers.length, busyBefore: busy, stages };
  } finally {
    stream?.close();
    await cleanups.runAll();
    current = null;
  }
}

const quantiles = (values: readonly number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
});

async function simulatorDeliveries(simulatorUrl: string, appId: string): Promise<Delivery[]> {
  const response = await fetch(`${simulatorUrl}/sim/deliveries?appId=${encodeURIComponent(appId)}`);
  if (!response.ok) {
    throw new Error(`GET /sim/deliveries answered ${response.status}`);
  }
  return ((await response.json()) as { items: Delivery[] }).items;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.once('SIGINT', () => {
    void (current?.runAll() ?? Promise.resolve()).then(() => process.exit(130));
  });
  const startedAtMs = Date.now();
  const runs: RunFigures[] = [];
  for (const workers of options.workers) {
    runs.push(await runWithWorkers(workers, options));
  }
  const out: string[] = [''];
  if (runs.length > 1) {
    out.push(
      `against the baseline (outbound ×${runs[0]?.workers ?? 1}, same run): value / baseline and their ratio`,
    );
    out.push(comparisonTable(runs));
  }
  out.push(`whole bench: ${((Date.now() - startedAtMs) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const directory = join(REPOSITORY_ROOT, '.run', 'bench');
  mkdirSync(directory, { recursive: true });
  const resultFile = join(directory, `outbound-${stamp}.json`);
  writeFileSync(
    resultFile,
    JSON.stringify(
      {
        options,
        runs: runs.map((run) => ({
          workers: run.workers,
          customers: run.customers,
          busyBefore: run.busyBefore,
          stages: run.stages.map((stage) => ({
            label: stage.label,
            rate: stage.rate,
            durationS: stage.durationS,
            posted: stage.posted,
            queued: stage.queued,
            deliveredOnce: stage.deliveredOnce,
            duplicated: stage.duplicated,
            undelivered: stage.undelivered,
            sendsPerS: stage.sendsPerS,
            postMs: quantiles(stage.postMs),
            toWechatMs: quantiles(stage.toWechatMs),
            toVisibleMs: quantiles(stage.toVisibleMs),
            toClaimMs: quantiles(stage.toClaimMs),
            claimToWechatMs: quantiles(stage.claimToWechatMs),
            wechatToVisibleMs: quantiles(stage.wechatToVisibleMs),
            cpu: stage.cpu,
          })),
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
