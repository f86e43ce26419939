import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { outboxNotifyChannel, PgNotificationListener } from '@wechat-desk/shared/persistence';
import { sleep } from '@wechat-desk/shared/util';

import { describeError } from './amqp-connection';
import type { ConfirmPublisher } from './confirm-publisher';

interface OutboxRow {
  position: string;
  envelope: EventEnvelope;
}

export interface OutboxRelayOptions {
  batchSize: number;
  pollIntervalMs: number;
  /**
   * One relay at a time across replicas (an advisory lock), so rows leave in the order they were
   * written; otherwise replicas share the rows with SKIP LOCKED.
   */
  inOrder: boolean;
}

const DEFAULT_OPTIONS: OutboxRelayOptions = {
  batchSize: 200,
  pollIntervalMs: 1_000,
  inOrder: false,
};

/**
 * Publishes committed outbox rows with confirms and deletes them once confirmed. Woken by the
 * NOTIFY of each commit, polling as a fallback.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private readonly listener: PgNotificationListener;
  private readonly options: OutboxRelayOptions;
  private readonly backlogListeners: Array<(hasBacklog: boolean) => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    private readonly schema: string,
    databaseUrl: string,
    options: Partial<OutboxRelayOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.listener = new PgNotificationListener({
      databaseUrl,
      channel: outboxNotifyChannel(schema),
      applicationName: `${schema}-outbox-relay`,
      onNotification: () => this.kick(),
      onListening: () => this.kick(),
    });
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.listener.start();
    this.loop = this.run();
  }

  /** Resolves once the relay loop and the LISTEN connection are both finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.listener.stop();
  }

  /** Rows committed and not yet confirmed by RabbitMQ. */
  async pendingRows(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM "${this.schema}".outbox`,
    );
    return Number(row?.n ?? 0);
  }

  /** Told whether rows were waiting each time the relay looked. */
  onBacklog(listener: (hasBacklog: boolean) => void): void {
    this.backlogListeners.push(listener);
  }

  kick(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let relayed = 0;
      try {
        relayed = this.publisher.ready ? await this.relayBatch() : 0;
      } catch (error) {
        this.logger.warn(`Outbox relay failed: ${describeError(error)}`);
        await sleep(500);
      }
      if (relayed === 0 && this.running) {
        await this.idle();
      }
    }
  }

  private idle(): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.pendingWake = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wake = done;
    });
  }

  /** Returns how many rows were published. */
  private async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const table = `"${this.schema}".outbox`;
      if (this.options.inOrder) {
        const [lock] = await manager.query<Array<{ locked: boolean }>>(
          'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
          [`${this.schema}.outbox-relay`],
        );
        if (lock?.locked !== true) {
          // Another replica relays; only learn whether rows are waiting.
          const [row] = await manager.query<Array<{ waiting: boolean }>>(
            `SELECT EXISTS (SELECT 1 FROM ${table}) AS waiting`,
          );
          this.reportBacklog(row?.waiting === true);
          return 0;
        }
      }
      const rows: OutboxRow[] = await manager.query(
        `SELECT position, envelope FROM ${table} ORDER BY position LIMIT $1 FOR UPDATE${this.options.inOrder ? '' : ' SKIP LOCKED'}`,
        [this.options.batchSize],
      );
      this.reportBacklog(rows.length > 0);
      if (rows.length === 0) {
        return 0;
      }
      const results = await Promise.allSettled(
        rows.map((row) => this.publisher.publish(row.envelope)),
      );
      const confirmed = rows
        .filter((_, i) => results[i]?.status === 'fulfilled')
        .map((row) => row.position);
      const failure = results.find((result) => result.status === 'rejected');
      if (failure !== undefined) {
        this.logger.warn(
          `Outbox relay: ${rows.length - confirmed.length} not confirmed: ${describeError(failure.reason)}`,
        );
      }
      if (confirmed.length > 0) {
        await manager.query(`DELETE FROM ${table} WHERE position = ANY($1::bigint[])`, [confirmed]);
      }
      return failure === undefined ? confirmed.length : 0;
    });
  }

  private reportBacklog(hasBacklog: boolean): void {
    for (const listener of this.backlogListeners) {
      listener(hasBacklog);
    }
  }
}
