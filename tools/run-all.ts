import { join } from 'node:path';

import { loadConfig } from '@wechat-desk/shared/config';
import { migrateAll } from '@wechat-desk/shared/persistence';

import {
  REPOSITORY_ROOT,
  startServiceProcess,
  stopProcess,
  waitUntilHealthy,
  type RunningService,
  type ServiceSpec,
} from './launcher';
import { ALL_MIGRATIONS } from './migrate';

const SIMULATOR_PORT = 8090;

/**
 * Runs the whole system on this machine: migrations, then every service as its own process.
 * Without WECHAT_API_BASE_URL it also runs the WeChat simulator and points the services at it.
 */
async function main(): Promise<void> {
  const useSimulator = process.env['WECHAT_API_BASE_URL'] === undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env['NODE_ENV'] ?? 'development',
    LOG_FORMAT: process.env['LOG_FORMAT'] ?? 'json',
    BOOTSTRAP_ADMIN_EMAIL: process.env['BOOTSTRAP_ADMIN_EMAIL'] ?? 'admin@wechat-desk.local',
    BOOTSTRAP_ADMIN_PASSWORD: process.env['BOOTSTRAP_ADMIN_PASSWORD'] ?? 'change-me-please',
    ...(useSimulator ? { WECHAT_API_BASE_URL: `http://127.0.0.1:${SIMULATOR_PORT}` } : {}),
  };
  const config = loadConfig(env);
  const applied = await migrateAll(config.DATABASE_URL, ALL_MIGRATIONS);
  process.stdout.write(
    `Database ${new URL(config.DATABASE_URL).pathname.slice(1)}: ${applied.length} migration(s) applied.\n`,
  );

  const specs: ServiceSpec[] = [
    ...(useSimulator
      ? [
          {
            app: 'wechat-sim' as const,
            port: SIMULATOR_PORT,
            env: { ...env, WECHAT_SIM_PORT: String(SIMULATOR_PORT) },
          },
        ]
      : []),
    { app: 'desk-api', port: config.DESK_API_PORT, env },
    { app: 'ingress', port: config.INGRESS_PORT, env },
    { app: 'conversation', port: config.CONVERSATION_PORT, env },
    { app: 'ticketing', port: config.TICKETING_PORT, env },
    { app: 'outbound', port: config.OUTBOUND_PORT, env },
  ];
  const logDirectory = join(REPOSITORY_ROOT, '.run', 'logs');
  const services: RunningService[] = specs.map((spec) => startServiceProcess(spec, logDirectory));

  let stopping = false;
  const stopAll = async (): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write('\nStopping…\n');
    await Promise.all(services.map((service) => stopProcess(service)));
    process.exit(0);
  };
  process.on('SIGINT', () => void stopAll());
  process.on('SIGTERM', () => void stopAll());

  await Promise.all(
    services.map((service) =>
      waitUntilHealthy(
        service,
        service.spec.app === 'wechat-sim' ? '/health/live' : '/health/ready',
      ),
    ),
  );
  for (const service of services) {
    void service.exited.then((code) => {
      if (!stopping) {
        process.stdout.write(`${service.name} exited (${String(code)}); see ${service.logFile}\n`);
      }
    });
  }
  const line = (label: string, value: string): string => `  ${label.padEnd(26)} ${value}\n`;
  process.stdout.write(
    '\nwechat-desk is running.\n' +
      line(
        'WeChat callback (ingress)',
        `${config.PUBLIC_BASE_URL}/wechat/<channelId>  (listening on :${config.INGRESS_PORT})`,
      ) +
      line('Desk API', `http://localhost:${config.DESK_API_PORT}/api/v1`) +
      line('API documentation', `http://localhost:${config.DESK_API_PORT}/api/v1/docs`) +
      line(
        'Sign in as',
        `${String(env['BOOTSTRAP_ADMIN_EMAIL'])} / ${String(env['BOOTSTRAP_ADMIN_PASSWORD'])}`,
      ) +
      line(
        'WeChat API',
        useSimulator
          ? `simulator on http://localhost:${SIMULATOR_PORT}`
          : config.WECHAT_API_BASE_URL,
      ) +
      line(
        'Workers (health, metrics)',
        `conversation :${config.CONVERSATION_PORT}, ticketing :${config.TICKETING_PORT}, outbound :${config.OUTBOUND_PORT}`,
      ) +
      line('Logs', logDirectory) +
      '\nPress Ctrl+C to stop.\n',
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
