import { availableParallelism } from 'node:os';

import {
  findPidByName,
  machineCpuMs,
  processCpuMs,
  processGroupCpuDeltaMs,
  processGroupCpuMs,
} from '../ingress/processes';
import type { PipelineSystem } from '../pipeline/system';

interface CpuSample {
  atMs: number;
  services: Array<number | null>;
  broker: number | null;
  redis: number | null;
  postgres: Map<number, number> | null;
  self: NodeJS.CpuUsage;
  machine: number | null;
}

/** CPU (ms) each part used between two samples; null where /proc had no answer. */
export interface CpuUse {
  wallMs: number;
  services: Array<{ name: string; app: string; ms: number | null }>;
  postgres: number | null;
  rabbitmq: number | null;
  redis: number | null;
  bench: number;
  machine: number | null;
  cores: number;
}

/** Samples the system's processes, PostgreSQL, RabbitMQ, Redis and this process from /proc. */
export class CpuProbe {
  private readonly services: ReadonlyArray<{ name: string; app: string; pid?: number }>;
  private readonly brokerPid = findPidByName('beam.smp');
  private readonly redisPid = findPidByName('redis-server');

  constructor(system: PipelineSystem) {
    this.services = system.services.map((service) => ({
      name: service.name,
      app: service.spec.app,
      ...(service.child.pid === undefined ? {} : { pid: service.child.pid }),
    }));
  }

  sample(): CpuSample {
    return {
      atMs: Date.now(),
      services: this.services.map(({ pid }) => processCpuMs(pid)),
      broker: processCpuMs(this.brokerPid),
      redis: processCpuMs(this.redisPid),
      postgres: processGroupCpuMs('postgres'),
      self: process.cpuUsage(),
      machine: machineCpuMs(),
    };
  }

  use(before: CpuSample, after: CpuSample): CpuUse {
    const delta = (from: number | null | undefined, to: number | null | undefined) =>
      from === null || from === undefined || to === null || to === undefined ? null : to - from;
    return {
      wallMs: after.atMs - before.atMs,
      services: this.services.map(({ name, app }, index) => ({
        name,
        app,
        ms: delta(before.services[index], after.services[index]),
      })),
      postgres: processGroupCpuDeltaMs(before.postgres, after.postgres),
      rabbitmq: delta(before.broker, after.broker),
      redis: delta(before.redis, after.redis),
      bench: (after.self.user - before.self.user + after.self.system - before.self.system) / 1000,
      machine: delta(before.machine, after.machine),
      cores: availableParallelism(),
    };
  }
}

/** CPU of the services of one app (all its workers), ms; null if any sample was missing. */
export function appCpuMs(use: CpuUse, app: string): number | null {
  let total = 0;
  for (const service of use.services.filter((s) => s.app === app)) {
    if (service.ms === null) {
      return null;
    }
    total += service.ms;
  }
  return total;
}
