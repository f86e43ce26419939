import { readFile } from 'node:fs/promises';

import { gaugeValue } from '../../../tools/bench/ingress/processes';
import type { RunningService } from '../../../tools/launcher';
import type { MemorySample } from '../../../tools/soak/memory-trend';

/** Resident set size of a process, from the kernel (bytes); null once it is gone. */
export async function readRss(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status === null ? undefined : /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}

export interface ProcessSeries {
  name: string;
  pid: number;
  rss: MemorySample[];
  heapUsed: MemorySample[];
  /** The process was gone at some sample: a series of two lives is not one trend. */
  vanished: boolean;
}

/** Samples every process's RSS and heap in use every `everyMs`, from `start()` until `stop()`. */
export class MemorySampler {
  private readonly series = new Map<string, ProcessSeries>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly processes: () => readonly RunningService[],
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    this.sampling = this.sample();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.everyMs);
  }

  async stop(): Promise<ProcessSeries[]> {
    clearInterval(this.timer);
    await this.sampling;
    return [...this.series.values()];
  }

  private async sample(): Promise<void> {
    const atMs = Date.now() - this.startedAt;
    await Promise.all(
      this.processes().map(async (service) => {
        const pid = service.child.pid;
        if (pid === undefined) {
          return;
        }
        const series = this.series.get(service.name) ?? {
          name: service.name,
          pid,
          rss: [],
          heapUsed: [],
          vanished: false,
        };
        this.series.set(service.name, series);
        const [rssBytes, heapBytes] = await Promise.all([
          readRss(pid),
          gaugeValue(`${service.url}/metrics`, 'nodejs_heap_size_used_bytes'),
        ]);
        if (rssBytes === null || pid !== series.pid) {
          series.vanished = true;
          return;
        }
        series.rss.push({ atMs, bytes: rssBytes });
        if (heapBytes !== null) {
          series.heapUsed.push({ atMs, bytes: heapBytes });
        }
      }),
    );
  }
}
