import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** CPU time (user + system, ms) a process has used so far; null where /proc is not available. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) {
    return null;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Linux reports them in USER_HZ, 100 a second.
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

/** The first process whose command name is `name` (e.g. beam.smp, redis-server), via /proc. */
export function findPidByName(name: string): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (/^\d+$/.test(entry)) {
        try {
          if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) {
            return Number(entry);
          }
        } catch {
          // Gone meanwhile.
        }
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
}

/** Every process whose command name is `name` (e.g. the postgres server and its backends). */
export function findPidsByName(name: string): number[] {
  const pids: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (/^\d+$/.test(entry)) {
        try {
          if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) {
            pids.push(Number(entry));
          }
        } catch {
          // Gone meanwhile.
        }
      }
    }
  } catch {
    // No /proc.
  }
  return pids;
}

/**
 * CPU time (ms) of a group of processes that come and go (PostgreSQL: one backend per
 * connection), per pid, found afresh by name each time; null without /proc or without any.
 */
export function processGroupCpuMs(
  name: string,
  exclude: readonly number[] = [],
): Map<number, number> | null {
  const cpu = new Map<number, number>();
  for (const pid of findPidsByName(name)) {
    const ms = exclude.includes(pid) ? null : processCpuMs(pid);
    if (ms !== null) {
      cpu.set(pid, ms);
    }
  }
  return cpu.size === 0 ? null : cpu;
}

/**
 * CPU the group used between two samples: what the processes alive at the end used since the
 * first (all of it for those started since). Processes that exited meanwhile are missed.
 */
export function processGroupCpuDeltaMs(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (before === null || after === null) {
    return null;
  }
  let total = 0;
  for (const [pid, ms] of after) {
    total += Math.max(0, ms - (before.get(pid) ?? 0));
  }
  return total;
}

/**
 * A TCP port where "RabbitMQ" is down: connections are accepted and closed at once, so the
 * ingress's connection attempts fail quickly, and no other process can take the port meanwhile.
 */
export async function startDeadBroker(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  server.unref();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}

/** A Prometheus gauge summed over its series (e.g. ingress_fallback_depth), from a /metrics text. */
export async function gaugeValue(url: string, metric: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) {
      return null;
    }
    let total: number | null = null;
    for (const line of (await response.text()).split('\n')) {
      // With or without labels (the registry adds service="…" to every series).
      if (line.startsWith(`${metric} `) || line.startsWith(`${metric}{`)) {
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) {
          total = (total ?? 0) + value;
        }
      }
    }
    return total;
  } catch {
    // No metrics.
  }
  return null;
}

/** CPU time (ms, all cores) the whole machine has been busy so far; null without /proc/stat. */
export function machineCpuMs(): number | null {
  const sample = cpuSample();
  return sample === null ? null : (sample.total - sample.idle) * 10;
}

function cpuSample(): { idle: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { idle, total: ticks.slice(0, 8).reduce((sum, value) => sum + value, 0) };
  } catch {
    return null;
  }
}

/** Share of the machine's CPU (0..1) busy over `ms`, from /proc/stat; null where it is missing. */
export async function machineBusy(ms = 1_000): Promise<number | null> {
  const before = cpuSample();
  await new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
  const after = cpuSample();
  if (before === null || after === null || after.total === before.total) {
    return null;
  }
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/** A Prometheus counter's values summed by one label, from a /metrics text; empty if absent. */
export async function counterByLabel(
  url: string,
  metric: string,
  label: string,
): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) {
      return totals;
    }
    const labelPattern = new RegExp(`[{,]${label}="([^"]*)"`);
    for (const line of (await response.text()).split('\n')) {
      if (!line.startsWith(`${metric}{`)) {
        continue;
      }
      const value = labelPattern.exec(line)?.[1];
      const count = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (value !== undefined && Number.isFinite(count)) {
        totals[value] = (totals[value] ?? 0) + count;
      }
    }
  } catch {
    // No metrics: nothing to add.
  }
  return totals;
}
