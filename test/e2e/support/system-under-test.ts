import { join } from 'node:path';

import { Client } from 'pg';

import { migrateAll } from '@wechat-desk/shared/persistence';
import {
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  testEnv,
} from '@wechat-desk/shared/testing';

import {
  freePort,
  REPOSITORY_ROOT,
  startServiceProcess,
  stopProcess,
  waitUntilHealthy,
  type RunningService,
  type ServiceSpec,
} from '../../../tools/launcher';
import { ALL_MIGRATIONS } from '../../../tools/migrate';

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/**
 * The real system, every service a separate process built from dist/, on its own database,
 * RabbitMQ namespace and Redis prefix, with the WeChat simulator in place of WeChat.
 */
export class SystemUnderTest {
  private services: RunningService[] = [];
  private cleanups: Array<() => Promise<unknown>> = [];
  urls: Record<ServiceSpec['app'], string> = {
    ingress: '',
    conversation: '',
    ticketing: '',
    outbound: '',
    'desk-api': '',
    'wechat-sim': '',
  };
  databaseUrl = '';
  /** MESSAGING_NAMESPACE every service of this run uses. */
  namespace = '';

  /**
   * `envFor` changes one service's environment only, e.g. the ingress reaching RabbitMQ through
   * a fault proxy the test controls; it gets the environment every service shares.
   */
  async start(
    label: string,
    envFor: Partial<
      Record<ServiceSpec['app'], (shared: NodeJS.ProcessEnv) => NodeJS.ProcessEnv>
    > = {},
  ): Promise<void> {
    const database = await createTestDatabase(label);
    this.cleanups.push(() => database.drop());
    this.databaseUrl = database.url;
    const namespace = createTestNamespace(label);
    this.namespace = namespace;
    const redisPrefix = createTestRedisPrefix(label);
    const ports = {
      'wechat-sim': await freePort(),
      ingress: await freePort(),
      'desk-api': await freePort(),
      conversation: await freePort(),
      ticketing: await freePort(),
      outbound: await freePort(),
    };
    const env = testEnv({
      DATABASE_URL: database.url,
      MESSAGING_NAMESPACE: namespace,
      REDIS_KEY_PREFIX: redisPrefix,
      WECHAT_API_BASE_URL: `http://127.0.0.1:${ports['wechat-sim']}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.ingress}`,
      // Document links sent to customers point at this run's desk API, not the default port.
      PUBLIC_FILES_BASE_URL: `http://127.0.0.1:${ports['desk-api']}`,
      INGRESS_PORT: String(ports.ingress),
      DESK_API_PORT: String(ports['desk-api']),
      CONVERSATION_PORT: String(ports.conversation),
      TICKETING_PORT: String(ports.ticketing),
      OUTBOUND_PORT: String(ports.outbound),
      WECHAT_SIM_PORT: String(ports['wechat-sim']),
      HTTP_HOST: '127.0.0.1',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    });
    const rabbitUrl = env['RABBITMQ_URL'] ?? 'amqp://guest:guest@localhost:5672';
    const redisUrl = env['REDIS_URL'] ?? 'redis://localhost:6379';
    const retryDelays = (env['RABBITMQ_RETRY_DELAYS_MS'] ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number);
    this.cleanups.push(() => deleteNamespace(rabbitUrl, namespace, retryDelays));
    this.cleanups.push(() => deleteRedisPrefix(redisUrl, redisPrefix));
    await migrateAll(database.url, ALL_MIGRATIONS);

    const logDirectory = join(REPOSITORY_ROOT, '.run', 'e2e', `${label}-${Date.now()}`);
    for (const [app, port] of Object.entries(ports) as Array<[ServiceSpec['app'], number]>) {
      this.services.push(
        startServiceProcess({ app, port, env: { ...env, ...envFor[app]?.(env) } }, logDirectory),
      );
      this.urls[app] = `http://127.0.0.1:${port}`;
    }
    await Promise.all(
      this.services.map((service) =>
        waitUntilHealthy(
          service,
          service.spec.app === 'wechat-sim' ? '/health/live' : '/health/ready',
        ),
      ),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => stopProcess(service)));
    for (const cleanup of this.cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  }

  /** Reads the database as an operator would, to count effects. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
}
