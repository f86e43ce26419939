import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { Client } from 'pg';

import { dropDatabase, migrateAll } from '@wechat-desk/shared/persistence';
import { verifyCallbackUrl } from '@wechat-desk/wechat/push-client';

import {
  freePort,
  REPOSITORY_ROOT,
  startServiceProcess,
  stopProcess,
  waitUntilHealthy,
  type RunningService,
  type ServiceSpec,
} from '../../launcher';
import { ALL_MIGRATIONS } from '../../migrate';
import { Cleanups, deleteNamespace, deleteRedisPrefix } from '../ingress/environment';
import type { BenchChannel } from '../ingress/pushes';

const ADMIN = { email: 'bench@wechat-desk.test', password: 'bench-admin-password-1' };

/** One ticket's way through the system, from the database (transaction-start timestamps, ms). */
export interface StageRow {
  open_id: string;
  recorded_ms: number;
  ticket_ms: number;
  live_ms: number;
}

export type WorkerCounts = Record<'conversation' | 'ticketing' | 'desk-api', number>;

export interface StartOptions {
  /** Outbound workers, each a process consuming the same queue (default 1). */
  outbound?: number;
  /** Names the database, RabbitMQ namespace, Redis prefix and log folder (default 'pipeline'). */
  label?: string;
}

/** The whole system as processes from dist/, on a database, namespace and Redis prefix of its own. */
export class PipelineSystem {
  readonly services: RunningService[] = [];
  ingressUrl = '';
  deskApiUrl = '';
  simulatorUrl = '';
  databaseUrl = '';
  accessToken = '';
  /** The broker and the system's namespace on it (its queues are `<namespace>.<service>`). */
  rabbitUrl = '';
  namespace = '';

  constructor(private readonly cleanups: Cleanups) {}

  async start(workers: WorkerCounts, options: StartOptions = {}): Promise<void> {
    const label = options.label ?? 'pipeline';
    const outboundWorkers = options.outbound ?? 1;
    const suffix = randomBytes(4).toString('hex');
    const databaseUrl = new URL(
      process.env['DATABASE_URL'] || 'postgres://postgres@localhost:5432/x',
    );
    databaseUrl.pathname = `/wechat_desk_bench_${label}_${suffix}`;
    this.databaseUrl = databaseUrl.toString();
    const rabbitUrl = process.env['RABBITMQ_URL'] || 'amqp://guest:guest@localhost:5672';
    const redisUrl = process.env['REDIS_URL'] || 'redis://localhost:6379';
    const namespace = `bench-${label}-${suffix}`;
    this.rabbitUrl = rabbitUrl;
    this.namespace = namespace;
    const redisPrefix = `bench:${label}:${suffix}:`;
    const retryDelaysMs = [1_000, 5_000, 30_000];

    this.cleanups.add('database', () => dropDatabase(this.databaseUrl));
    this.cleanups.add('RabbitMQ namespace', () =>
      deleteNamespace(rabbitUrl, namespace, retryDelaysMs, []),
    );
    this.cleanups.add('Redis prefix', () => deleteRedisPrefix(redisUrl, redisPrefix));
    await migrateAll(this.databaseUrl, ALL_MIGRATIONS);

    const ports = {
      'wechat-sim': await freePort(),
      ingress: await freePort(),
    };
    this.simulatorUrl = `http://127.0.0.1:${ports['wechat-sim']}`;
    this.ingressUrl = `http://127.0.0.1:${ports.ingress}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'log',
      MASTER_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: this.databaseUrl,
      RABBITMQ_URL: rabbitUrl,
      REDIS_URL: redisUrl,
      RABBITMQ_RETRY_DELAYS_MS: retryDelaysMs.join(','),
      MESSAGING_NAMESPACE: namespace,
      REDIS_KEY_PREFIX: redisPrefix,
      WECHAT_API_BASE_URL: this.simulatorUrl,
      PUBLIC_BASE_URL: this.ingressUrl,
      HTTP_HOST: '127.0.0.1',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    };
    const logDirectory = join(REPOSITORY_ROOT, '.run', 'bench', `${label}-${Date.now()}`);
    const specs: ServiceSpec[] = [
      {
        app: 'wechat-sim',
        port: ports['wechat-sim'],
        env: { ...env, WECHAT_SIM_PORT: String(ports['wechat-sim']) },
      },
      { app: 'ingress', port: ports.ingress, env: { ...env, INGRESS_PORT: String(ports.ingress) } },
    ];
    for (let index = 1; index <= outboundWorkers; index++) {
      const port = await freePort();
      specs.push({
        app: 'outbound',
        instance: outboundWorkers > 1 ? `outbound-${index}` : 'outbound',
        port,
        env: { ...env, OUTBOUND_PORT: String(port) },
      });
    }
    const portVariables = {
      conversation: 'CONVERSATION_PORT',
      ticketing: 'TICKETING_PORT',
      'desk-api': 'DESK_API_PORT',
    } as const;
    for (const app of ['conversation', 'ticketing', 'desk-api'] as const) {
      for (let index = 1; index <= workers[app]; index++) {
        const port = await freePort();
        specs.push({
          app,
          instance: workers[app] > 1 ? `${app}-${index}` : app,
          port,
          env: { ...env, [portVariables[app]]: String(port) },
        });
        if (app === 'desk-api' && index === 1) {
          this.deskApiUrl = `http://127.0.0.1:${port}`;
        }
      }
    }
    for (const spec of specs) {
      const service = startServiceProcess(spec, logDirectory);
      this.services.push(service);
      this.cleanups.add(service.name, () => stopProcess(service));
    }
    await Promise.all(
      this.services.map((service) =>
        waitUntilHealthy(
          service,
          service.spec.app === 'wechat-sim' ? '/health/live' : '/health/ready',
        ),
      ),
    );
    process.stdout.write(`logs: ${logDirectory}\n`);
  }

  /** Signs in, registers a WeChat account at the simulator and connects it as a secure channel. */
  async createChannel(): Promise<BenchChannel> {
    const login = await this.desk<{ accessToken: string }>('POST', '/auth/login', ADMIN);
    this.accessToken = login.accessToken;
    const account = {
      appId: `wx${randomBytes(8).toString('hex')}`,
      appSecret: randomBytes(16).toString('hex'),
      originalId: `gh_${randomBytes(6).toString('hex')}`,
    };
    const registered = await fetch(`${this.simulatorUrl}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(account),
    });
    if (registered.status !== 201) {
      throw new Error(`the simulator refused the account: ${registered.status}`);
    }
    const department = await this.desk<{ id: string }>('POST', '/departments', {
      name: 'Benchmark team',
    });
    const channel = await this.desk<{ id: string; token: string; encodingAesKey: string }>(
      'POST',
      '/channels',
      { name: 'Benchmark', ...account, departmentId: department.id },
    );
    const benchChannel: BenchChannel = {
      channelId: channel.id,
      appId: account.appId,
      originalId: account.originalId,
      token: channel.token,
      encodingAesKey: channel.encodingAesKey,
    };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const verified = await verifyCallbackUrl({
        callbackUrl: `${this.ingressUrl}/wechat/${channel.id}`,
        token: channel.token,
        mode: 'secure',
        encodingAesKey: channel.encodingAesKey,
        appId: account.appId,
        originalId: account.originalId,
      });
      if (verified.status === 200) {
        return benchChannel;
      }
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
    }
    throw new Error('the ingress did not learn the channel within 15 s');
  }

  /** Tickets the desk API lists (walks every page). */
  async countTickets(): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page: { items: unknown[]; nextCursor: string | null } = await this.desk(
        'GET',
        `/tickets?limit=100${query}`,
      );
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    return count;
  }

  /** For every ticket: when conversation recorded its message, ticketing opened it, desk-api projected it. */
  async ticketStages(): Promise<StageRow[]> {
    return this.query<StageRow>(`
      SELECT c.open_id,
        (extract(epoch FROM m.recorded_at) * 1000)::float8 AS recorded_ms,
        (extract(epoch FROM t.created_at) * 1000)::float8 AS ticket_ms,
        (extract(epoch FROM le.created_at) * 1000)::float8 AS live_ms
      FROM conversation.messages m
      JOIN conversation.contacts c ON c.id = m.contact_id
      JOIN ticketing.ticket_messages tm ON tm.message_id = m.id
      JOIN ticketing.tickets t ON t.id = tm.ticket_id
      JOIN desk.live_events le ON le.ticket_id = t.id AND le.type = 'ticket.created'`);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, [...params])).rows as T[];
    } finally {
      await client.end();
    }
  }

  private async desk<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.deskApiUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.accessToken === '' ? {} : { Authorization: `Bearer ${this.accessToken}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as T;
  }
}
