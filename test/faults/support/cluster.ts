import { dirname } from 'node:path';

import {
  freePort,
  startServiceProcess,
  stopProcess,
  waitUntilHealthy,
  type RunningService,
  type ServiceSpec,
} from '../../../tools/launcher';
import type { Cleanups } from '../../../tools/bench/ingress/environment';
import type { BenchChannel } from '../../../tools/bench/ingress/pushes';
import { PipelineSystem } from '../../../tools/bench/pipeline/system';

export type AppName = Exclude<ServiceSpec['app'], 'wechat-sim'>;

export const WORKERS: Readonly<Record<AppName, number>> = {
  ingress: 2,
  conversation: 2,
  ticketing: 2,
  outbound: 2,
  'desk-api': 1,
};

const PORT_VARIABLES: Readonly<Record<AppName, string>> = {
  ingress: 'INGRESS_PORT',
  conversation: 'CONVERSATION_PORT',
  ticketing: 'TICKETING_PORT',
  outbound: 'OUTBOUND_PORT',
  'desk-api': 'DESK_API_PORT',
};

/**
 * The whole system as processes, several workers per service (WORKERS), on its own database,
 * RabbitMQ namespace and Redis prefix; workers can be killed, restarted and rewired one by one.
 */
export class FaultCluster {
  readonly system: PipelineSystem;
  channel!: BenchChannel;
  /** Where every process's log goes (and a run's own records). */
  logDirectory = '';

  /** `label` names the run's database, namespace and log folder. */
  constructor(
    private readonly cleanups: Cleanups,
    private readonly label = 'faults',
  ) {
    this.system = new PipelineSystem(cleanups);
  }

  async start(): Promise<void> {
    await this.system.start(
      { conversation: WORKERS.conversation, ticketing: WORKERS.ticketing, 'desk-api': 1 },
      { outbound: WORKERS.outbound, label: this.label },
    );
    const [firstIngress] = this.workers('ingress');
    if (firstIngress === undefined) {
      throw new Error('the system started no ingress');
    }
    this.logDirectory = dirname(firstIngress.logFile);
    firstIngress.spec.instance = 'ingress-1';
    for (let index = 2; index <= WORKERS.ingress; index++) {
      await this.add({ ...firstIngress.spec, instance: `ingress-${index}` });
    }
    this.channel = await this.system.createChannel();
  }

  get databaseUrl(): string {
    return this.system.databaseUrl;
  }

  /** The RabbitMQ namespace every process of this cluster shares. */
  get namespace(): string {
    return this.allWorkers()[0]?.spec.env['MESSAGING_NAMESPACE'] ?? '';
  }

  get simulatorUrl(): string {
    return this.system.simulatorUrl;
  }

  get deskApiUrl(): string {
    return this.system.deskApiUrl;
  }

  get accessToken(): string {
    return this.system.accessToken;
  }

  /** Where WeChat's pushes go: every ingress, as a load balancer would spread them. */
  ingressUrls(): string[] {
    return this.workers('ingress').map((worker) => worker.url);
  }

  workers(app: AppName): RunningService[] {
    return this.system.services.filter((service) => service.spec.app === app);
  }

  /** Every service process but the simulator. */
  allWorkers(): RunningService[] {
    return this.system.services.filter((service) => service.spec.app !== 'wechat-sim');
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is cut wherever it was. */
  async kill(worker: RunningService): Promise<void> {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }

  /**
   * SIGTERM, killed after `graceMs`; how it ended: an exit code, or the signal that ended it
   * (Nest re-raises SIGTERM once its shutdown hooks ran, so 'SIGTERM' is a graceful end too).
   */
  async terminate(worker: RunningService, graceMs = 15_000): Promise<number | string | null> {
    await stopProcess(worker, graceMs);
    return worker.child.exitCode ?? worker.child.signalCode;
  }

  /** Starts the worker's process again (same port and name), with `env` changes if given. */
  async restart(worker: RunningService, env: NodeJS.ProcessEnv = {}): Promise<RunningService> {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      await stopProcess(worker);
    }
    const index = this.system.services.indexOf(worker);
    const started = this.launch({ ...worker.spec, env: { ...worker.spec.env, ...env } });
    if (index >= 0) {
      this.system.services.splice(index, 1, started);
    }
    await waitUntilHealthy(started, '/health/ready', { timeoutMs: 60_000 });
    return started;
  }

  /** Every worker ready with all its dependencies up; resolves with the time it took. */
  async untilAllReady(timeoutMs = 60_000): Promise<number> {
    const startedAt = Date.now();
    await Promise.all(
      this.allWorkers().map((worker) =>
        waitUntilHealthy(worker, '/health/ready', { timeoutMs, allChecksUp: true }),
      ),
    );
    return Date.now() - startedAt;
  }

  private async add(spec: ServiceSpec): Promise<RunningService> {
    const port = await freePort();
    const app = spec.app as AppName;
    const started = this.launch({
      ...spec,
      port,
      env: { ...spec.env, [PORT_VARIABLES[app]]: String(port) },
    });
    this.system.services.push(started);
    await waitUntilHealthy(started, '/health/ready', { timeoutMs: 60_000 });
    return started;
  }

  private launch(spec: ServiceSpec): RunningService {
    const started = startServiceProcess(spec, this.logDirectory);
    this.cleanups.add(started.name, () => stopProcess(started));
    return started;
  }
}
