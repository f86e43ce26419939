import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

function findRepositoryRoot(start: string): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) {
    directory = dirname(directory);
  }
  return directory;
}

/** Works from the sources (tests) and from dist/ (the start command). */
export const REPOSITORY_ROOT = findRepositoryRoot(__dirname);

/** A TCP port nothing listens on now, for a process about to start. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

export interface ServiceSpec {
  /** App folder under apps/ and the process name in logs. */
  app: 'ingress' | 'conversation' | 'ticketing' | 'outbound' | 'desk-api' | 'wechat-sim';
  /** Extra label when several workers of one app run (e.g. conversation-2). */
  instance?: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

export interface RunningService {
  spec: ServiceSpec;
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/** Starts the built service (dist/) as its own process, its output going to a log file. */
export function startServiceProcess(spec: ServiceSpec, logDirectory: string): RunningService {
  const name = spec.instance ?? spec.app;
  mkdirSync(logDirectory, { recursive: true });
  const logFile = join(logDirectory, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    [join(REPOSITORY_ROOT, 'dist', 'apps', spec.app, 'src', 'main.js')],
    {
      cwd: REPOSITORY_ROOT,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('exit', (code) => resolveExit(code)),
  );
  return { spec, name, url: `http://127.0.0.1:${spec.port}`, child, logFile, exited };
}

/** Polls a health route until it answers 200; fails early if the process died. */
export async function waitUntilHealthy(
  service: RunningService,
  route = '/health/ready',
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void service.exited.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died) {
      throw new Error(`${service.name} exited during start; see ${service.logFile}`);
    }
    try {
      const response = await fetch(`${service.url}${route}`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service.name} was not healthy within ${timeoutMs} ms; see ${service.logFile}`);
}

/** SIGTERM (graceful shutdown), then SIGKILL for anything still running after the grace period. */
export async function stopServiceProcess(service: RunningService, graceMs = 10_000): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) {
    return;
  }
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
}
