import { randomUUID } from 'node:crypto';

import { connect } from 'amqplib';
import { Client } from 'pg';

import { createEnvelope, RoutingKeys } from '@wechat-desk/contracts';
import { topologyNames } from '@wechat-desk/shared/messaging';
import { TcpFaultProxy, waitFor } from '@wechat-desk/shared/testing';

import type { AppName, FaultCluster } from './cluster';
import { transactionsWaitingOnLock } from './backends';
import { Infra } from './infra';
import { sleep, type FaultLoad } from './load';

export type FaultProfile = 'full' | 'short';

export interface FaultContext {
  cluster: FaultCluster;
  load: FaultLoad;
  profile: FaultProfile;
}

/** What an injected fault reports beyond the common criteria. */
export interface FaultOutcome {
  /** Messages sent to be dead-lettered. */
  poison?: number;
  /** How processes asked to stop with SIGTERM ended (0 or 'SIGTERM': graceful; 'SIGKILL': not). */
  exitCodes?: Array<{ name: string; code: number | string | null }>;
  /** What the fault is known to have hit, in words (for the report). */
  detail?: string;
}

export interface FaultScenario {
  name: string;
  /** Breaks something while the load flows, and returns once the fault has ended. */
  inject(context: FaultContext): Promise<FaultOutcome>;
}

const pick = <T>(profile: FaultProfile, full: T, short: T): T =>
  profile === 'full' ? full : short;

const rabbitUrl = (): string => process.env['RABBITMQ_URL'] || 'amqp://guest:guest@localhost:5672';

/**
 * kill -9 of one worker at a random moment of its work, several times: with messages flowing, the
 * kills land before and after its database commits; an orchestrator starts it again.
 */
function killNine(app: AppName): FaultScenario {
  return {
    name: `kill -9 ${app}`,
    async inject({ cluster, profile }) {
      for (let round = 0; round < pick(profile, 3, 1); round++) {
        await sleep(500 + Math.random() * 1_500);
        const workers = cluster.workers(app);
        const victim = workers[round % workers.length];
        if (victim === undefined) {
          throw new Error(`no ${app} worker to kill`);
        }
        await cluster.kill(victim);
        await sleep(1_000);
        await cluster.restart(victim);
      }
      return {};
    },
  };
}

type Worker = ReturnType<FaultCluster['workers']>[number];

/**
 * Per service, a table it writes for every message it handles (so every handler's commit), and
 * the rows of it that only handled messages write (the desk's REST replies add outgoing views).
 */
const EFFECTS: Readonly<Record<Exclude<AppName, 'ingress'>, { table: string; handled: string }>> = {
  conversation: { table: 'conversation.messages', handled: 'conversation.messages' },
  ticketing: { table: 'ticketing.ticket_messages', handled: 'ticketing.ticket_messages' },
  outbound: { table: 'outbound.reply_sends', handled: 'outbound.reply_sends' },
  'desk-api': {
    table: 'desk.message_views',
    handled: `desk.message_views WHERE direction = 'in'`,
  },
};

const pidOf = (worker: Worker): number => {
  if (worker.child.pid === undefined) {
    throw new Error(`${worker.name} has no process`);
  }
  return worker.child.pid;
};

/**
 * Restarts `worker` with its RabbitMQ connection through a fault proxy (URL parameters added, e.g.
 * a heartbeat). The caller closes the proxy and restarts the worker with `directUrl` afterwards.
 */
async function restartThroughProxy(
  cluster: FaultCluster,
  worker: Worker,
  parameters: Record<string, string> = {},
): Promise<{ proxy: TcpFaultProxy; proxied: Worker; directUrl: string }> {
  const directUrl = worker.spec.env['RABBITMQ_URL'] ?? rabbitUrl();
  const proxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(directUrl));
  const through = new URL(proxy.urlFor(directUrl));
  for (const [name, value] of Object.entries(parameters)) {
    through.searchParams.set(name, value);
  }
  const proxied = await cluster.restart(worker, { RABBITMQ_URL: through.toString() });
  return { proxy, proxied, directUrl };
}

async function countRows(cluster: FaultCluster, from: string): Promise<number> {
  const [row] = await cluster.system.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`);
  return Number(row?.n ?? 0);
}

/**
 * kill -9 while the worker's handlers are inside their transactions: its effect table is locked
 * against writes, so every handler blocks before its commit; the kill lands once the victim is
 * seen waiting there with work in hand. Its messages go back to the queue, uncommitted.
 */
function killBeforeCommit(app: Exclude<AppName, 'ingress'>): FaultScenario {
  return {
    name: `kill -9 ${app} inside its transactions (before the commit)`,
    async inject({ cluster }) {
      const [victim] = cluster.workers(app);
      if (victim === undefined) {
        throw new Error(`no ${app} worker`);
      }
      const holder = new Client({ connectionString: cluster.databaseUrl });
      await holder.connect();
      let waiting = 0;
      try {
        await holder.query('BEGIN');
        // EXCLUSIVE blocks writers only: the desk and readiness checks go on reading.
        await holder.query(`LOCK TABLE ${EFFECTS[app].table} IN EXCLUSIVE MODE`);
        waiting = await waitFor(
          async () => {
            const count = await transactionsWaitingOnLock(cluster.system, pidOf(victim));
            return count > 0 ? count : false;
          },
          { description: `${victim.name} inside a transaction, waiting`, timeoutMs: 30_000 },
        );
        await cluster.kill(victim);
      } finally {
        await holder.query('COMMIT');
        await holder.end();
      }
      await cluster.restart(victim);
      return { detail: `${waiting} of its transactions open, uncommitted, when killed` };
    },
  };
}

/**
 * kill -9 after the worker committed and acknowledged, before RabbitMQ had its acks: it talks to
 * RabbitMQ through a proxy that drops what it sends (acks, publishes) while deliveries still
 * reach it, and its siblings are paused, so every row committed meanwhile is its work. The broker
 * redelivers all of it to the others, whose unique keys must absorb it.
 */
function killAfterCommit(app: Exclude<AppName, 'ingress'>): FaultScenario {
  return {
    name: `kill -9 ${app} after its commits (acks lost)`,
    async inject({ cluster }) {
      const [worker, ...siblings] = cluster.workers(app);
      if (worker === undefined) {
        throw new Error(`no ${app} worker`);
      }
      const { proxy, proxied: victim, directUrl } = await restartThroughProxy(cluster, worker);
      let committed = 0;
      try {
        await sleep(2_000);
        for (const sibling of siblings) {
          process.kill(pidOf(sibling), 'SIGSTOP');
        }
        const before = await countRows(cluster, EFFECTS[app].handled);
        proxy.dropFromClient();
        // Kept short of two heartbeats (10 s each), so the paused siblings stay connected.
        committed = await waitFor(
          async () => {
            const count = (await countRows(cluster, EFFECTS[app].handled)) - before;
            return count >= 3 ? count : false;
          },
          { description: `${victim.name} committing while its acks are lost`, timeoutMs: 8_000 },
        );
        await cluster.kill(victim);
      } finally {
        for (const sibling of siblings) {
          process.kill(pidOf(sibling), 'SIGCONT');
        }
        await proxy.close();
      }
      await cluster.restart(victim, { RABBITMQ_URL: directUrl });
      return {
        detail: `${committed} rows committed unacknowledged (${proxy.droppedBytes} bytes to RabbitMQ lost)`,
      };
    },
  };
}

const closeConnections: FaultScenario = {
  name: 'RabbitMQ closes every connection',
  async inject({ profile }) {
    for (let round = 0; round < pick(profile, 3, 2); round++) {
      await Infra.closeRabbitConnections();
      await sleep(3_000);
    }
    return {};
  },
};

const rabbitDown: FaultScenario = {
  name: 'RabbitMQ stopped and started',
  async inject({ profile }) {
    await Infra.stopRabbit();
    await sleep(pick(profile, 60_000, 10_000));
    await Infra.startRabbit();
    return {};
  },
};

const postgresRestart: FaultScenario = {
  name: 'PostgreSQL restarted',
  async inject() {
    await Infra.restartPostgres();
    return {};
  },
};

const redisDown: FaultScenario = {
  name: 'Redis stopped and started',
  async inject({ profile }) {
    await Infra.stopRedis();
    await sleep(pick(profile, 20_000, 5_000));
    await Infra.startRedis();
    return {};
  },
};

/**
 * A conversation worker reaches RabbitMQ through a proxy that goes silent (no bytes, no reset)
 * for longer than the heartbeat: only the heartbeat can tell the connection is dead.
 */
const blackhole: FaultScenario = {
  name: 'network blackhole worker ↔ RabbitMQ past the heartbeat',
  async inject({ cluster, profile }) {
    const heartbeatS = pick(profile, 5, 2);
    const [worker] = cluster.workers('conversation');
    if (worker === undefined) {
      throw new Error('no conversation worker');
    }
    const { proxy, proxied, directUrl } = await restartThroughProxy(cluster, worker, {
      heartbeat: String(heartbeatS),
    });
    await sleep(3_000);
    proxy.blackhole();
    await sleep(heartbeatS * 4 * 1_000);
    proxy.restore();
    await sleep(2_000);
    // Back to the direct connection, so the proxy can go.
    await cluster.restart(proxied, { RABBITMQ_URL: directUrl });
    await proxy.close();
    return {};
  },
};

/** Every conversation handler blocks on a lock held elsewhere, longer than any timeout. */
const hangingHandler: FaultScenario = {
  name: 'handlers hang (a lock held on their table)',
  async inject({ cluster, profile }) {
    const holder = new Client({ connectionString: cluster.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE conversation.contacts IN ACCESS EXCLUSIVE MODE');
      await sleep(pick(profile, 30_000, 8_000));
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    return {};
  },
};

/** Messages no handler can take: not JSON, and an envelope whose data breaks its contract. */
const poison: FaultScenario = {
  name: 'poison messages',
  async inject({ cluster }) {
    const model = await connect(rabbitUrl());
    try {
      const channel = await model.createConfirmChannel();
      const queue = topologyNames(cluster.namespace).queue('conversation');
      const bodies = [
        Buffer.from('{"this is": not json'),
        Buffer.from(
          JSON.stringify(
            createEnvelope(RoutingKeys.wechatMessageText, { channelId: 'not-a-uuid' }),
          ),
        ),
      ];
      for (const body of bodies) {
        channel.sendToQueue(queue, body, { persistent: true, messageId: randomUUID() });
      }
      await channel.waitForConfirms();
      await sleep(2_000);
      return { poison: bodies.length };
    } finally {
      await model.close();
    }
  },
};

/** SIGTERM to every worker in turn, each started again before the next: a rolling deploy. */
const rollingRestart: FaultScenario = {
  name: 'rolling restart (SIGTERM, graceful)',
  async inject({ cluster, profile }) {
    const exitCodes: Array<{ name: string; code: number | string | null }> = [];
    const workers = cluster.allWorkers();
    const chosen = pick(
      profile,
      workers,
      workers.filter((_, index) => index % 2 === 0),
    );
    for (const worker of chosen) {
      const code = await cluster.terminate(worker);
      exitCodes.push({ name: worker.name, code });
      await cluster.restart(worker);
    }
    return { exitCodes };
  },
};

export const SCENARIOS: readonly FaultScenario[] = [
  killNine('conversation'),
  killNine('ticketing'),
  killNine('outbound'),
  killNine('desk-api'),
  killNine('ingress'),
  killBeforeCommit('conversation'),
  killAfterCommit('conversation'),
  killBeforeCommit('ticketing'),
  killAfterCommit('ticketing'),
  killBeforeCommit('outbound'),
  killAfterCommit('outbound'),
  killBeforeCommit('desk-api'),
  killAfterCommit('desk-api'),
  closeConnections,
  rabbitDown,
  postgresRestart,
  redisDown,
  blackhole,
  hangingHandler,
  poison,
  rollingRestart,
];
