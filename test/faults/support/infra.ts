import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { connect } from 'amqplib';
import { Client } from 'pg';

const exec = promisify(execFile);

/** The local services the faults stop and start, with the commands architecture.md names. */
async function run(command: string, args: readonly string[], timeoutMs = 120_000): Promise<void> {
  await exec(command, [...args], { timeout: timeoutMs });
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 250));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms`);
}

const rabbitUrl = (): string => process.env['RABBITMQ_URL'] || 'amqp://guest:guest@localhost:5672';
const postgresUrl = (): string =>
  process.env['DATABASE_URL'] || 'postgres://postgres@localhost:5432/postgres';

export async function rabbitAnswers(): Promise<boolean> {
  const model = await connect(rabbitUrl(), { timeout: 2_000 });
  model.on('error', () => undefined);
  await model.close();
  return true;
}

export async function postgresAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
  return true;
}

export async function redisAnswers(): Promise<boolean> {
  const { stdout } = await exec('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], {
    timeout: 2_000,
  });
  return stdout.trim() === 'PONG';
}

export const Infra = {
  /** The broker's application stops (the node stays up): every connection is refused. */
  async stopRabbit(): Promise<void> {
    await run('rabbitmqctl', ['stop_app']);
  },

  async startRabbit(): Promise<void> {
    await run('rabbitmqctl', ['start_app']);
    await until('RabbitMQ', rabbitAnswers);
  },

  async closeRabbitConnections(): Promise<void> {
    await run('rabbitmqctl', ['close_all_connections', 'fault injection']);
  },

  /** A fast restart (active connections are ended, as in a failover). */
  async restartPostgres(): Promise<void> {
    await run('bash', [
      '-c',
      'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main restart -m fast',
    ]);
    await until('PostgreSQL', postgresAnswers);
  },

  async stopRedis(): Promise<void> {
    await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']).catch(
      // redis-cli reports the connection it loses as the server goes down.
      () => undefined,
    );
    await until('Redis to stop', async () => !(await redisAnswers().catch(() => false)), 10_000);
  },

  async startRedis(): Promise<void> {
    await run('bash', [
      '-c',
      'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 ' +
        '--port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    ]);
    await until('Redis', redisAnswers);
  },

  /** Whatever a failed run left stopped is started again, so nothing else is left broken. */
  async ensureAllUp(): Promise<void> {
    if (!(await rabbitAnswers().catch(() => false))) {
      await run('rabbitmqctl', ['start_app']).catch(() => undefined);
      await until('RabbitMQ', rabbitAnswers);
    }
    if (!(await redisAnswers().catch(() => false))) {
      await Infra.startRedis();
    }
    if (!(await postgresAnswers().catch(() => false))) {
      await run('bash', [
        '-c',
        'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start',
      ]).catch(() => undefined);
      await until('PostgreSQL', postgresAnswers);
    }
  },
};
