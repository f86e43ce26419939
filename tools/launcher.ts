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

/** A Node process started by these tools, its output in a log file. */
export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export interface RunningService extends NodeProcess {
  spec: ServiceSpec;
}

export interface NodeProcessOptions {
  name: string;
  script: string;
  port: number;
  env: NodeJS.ProcessEnv;
  logDirectory: string;
  /** Node options such as --cpu-prof. */
  nodeArgs?: string[];
}

/** Starts a Node script as its own process from the repository root, its output going to a log file. */
export function startNodeProcess(options: NodeProcessOptions): NodeProcess {
  mkdirSync(options.logDirectory, { recursive: true });
  const logFile = join(options.logDirectory, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    cwd: REPOSITORY_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('exit', (code) => resolveExit(code)),
  );
  return { name: options.name, url: `http://127.0.0.1:${options.port}`, child, logFile, exited };
}

/** Starts the built service (dist/) as its own process. */
export function startServiceProcess(spec: ServiceSpec, logDirectory: string): RunningService {
  return {
    spec,
    ...startNodeProcess({
      name: spec.instance ?? spec.app,
      script: join(REPOSITORY_ROOT, 'dist', 'apps', spec.app, 'src', 'main.js'),
      port: spec.port,
      env: spec.env,
      logDirectory,
    }),
  };
}

export interface WaitUntilHealthyOptions {
  timeoutMs?: number;
  /**
   * Also wait until the route lists every dependency `up` (`allChecksUp`), or at least these: a
   * ready ingress may still be connecting to RabbitMQ, spooling pushes meanwhile.
   */
  allChecksUp?: boolean;
  requiredUp?: readonly string[];
}

/** Polls a health route until it answers 200 (and the checks asked for are up); fails early if the process died. */
export async function waitUntilHealthy(
  target: NodeProcess,
  route = '/health/ready',
  options: WaitUntilHealthyOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void target.exited.then(() => {
    died = true;
  });
  while (Date.now() < deadline) {
    if (died) {
      throw new Error(`${target.name} exited during start; see ${target.logFile}`);
    }
    try {
      const response = await fetch(`${target.url}${route}`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (response.ok && (await checksUp(response, options))) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
  }
  throw new Error(
    `${target.name} was not healthy within ${timeoutMs} ms (${route}); see ${target.logFile}`,
  );
}

async function checksUp(response: Response, options: WaitUntilHealthyOptions): Promise<boolean> {
  if (options.allChecksUp !== true && options.requiredUp === undefined) {
    return true;
  }
  const checks = ((await response.json()) as { checks?: Record<string, string> }).checks ?? {};
  return options.allChecksUp === true
    ? Object.values(checks).every((state) => state === 'up')
    : (options.requiredUp ?? []).every((name) => checks[name] === 'up');
}

/** SIGTERM (graceful shutdown), then SIGKILL for anything still running after the grace period. */
export async function stopProcess(target: NodeProcess, graceMs = 10_000): Promise<void> {
  if (target.child.exitCode !== null || target.child.signalCode !== null) {
    return;
  }
  target.child.kill('SIGTERM');
  const timer = setTimeout(() => target.child.kill('SIGKILL'), graceMs);
  await target.exited;
  clearTimeout(timer);
}
