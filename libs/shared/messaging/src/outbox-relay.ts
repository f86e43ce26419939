import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { outboxNotifyChannel } from '@wechat-desk/shared/persistence';
import { sleep } from '@wechat-desk/shared/util';

import { describeError } from './amqp-connection';
import type { ConfirmPublisher } from './confirm-publisher';

interface OutboxRow {
  position: string;
  envelope: EventEnvelope;
}

/**
 * Publishes committed outbox rows with confirms and deletes them once confirmed. Woken by the
 * NOTIFY of each commit, polling as a fallback; rows locked with SKIP LOCKED so replicas share.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private listener: Client | null = null;
  private listening: Promise<void> | null = null;
  private stopping: AbortController | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    private readonly schema: string,
    private readonly databaseUrl: string,
    private readonly options: { batchSize: number; pollIntervalMs: number } = {
      batchSize: 200,
      pollIntervalMs: 1_000,
    },
  ) {}

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.stopping = new AbortController();
    this.listening = this.listen(this.stopping.signal);
    this.loop = this.run();
  }

  /** Resolves once the relay loop and the LISTEN connection are both finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping?.abort();
    this.kick();
    await this.loop;
    // Ends the listener in any state, connecting included (else it would connect and LISTEN on).
    await this.listener?.end().catch(() => undefined);
    await this.listening;
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
      const rows: OutboxRow[] = await manager.query(
        `SELECT position, envelope FROM "${this.schema}".outbox ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize],
      );
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
        await manager.query(
          `DELETE FROM "${this.schema}".outbox WHERE position = ANY($1::bigint[])`,
          [confirmed],
        );
      }
      return failure === undefined ? confirmed.length : 0;
    });
  }

  private async listen(stopping: AbortSignal): Promise<void> {
    while (this.running) {
      const client = new Client({
        connectionString: this.databaseUrl,
        application_name: `${this.schema}-outbox-relay`,
        connectionTimeoutMillis: 5_000,
      });
      // Listening from the start: an idle connection's 'error' without a listener would crash.
      const gone = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      this.listener = client;
      try {
        // pg never settles connect() for a client ended while connecting (stop() does that): the
        // end of the connection settles it instead.
        const connected = client.connect();
        const closedFirst = gone.then(() => {
          throw new Error('the listening connection closed');
        });
        connected.catch(() => undefined);
        closedFirst.catch(() => undefined);
        await Promise.race([connected, closedFirst]);
        client.on('notification', () => this.kick());
        await client.query(`LISTEN "${outboxNotifyChannel(this.schema)}"`);
        this.kick();
        await gone;
      } catch (error) {
        if (this.running) {
          this.logger.warn(
            `Outbox listener lost (${describeError(error)}); polling until it is back`,
          );
        }
      }
      await client.end().catch(() => undefined);
      if (this.listener === client) {
        this.listener = null;
      }
      if (this.running) {
        await sleep(1_000, stopping);
      }
    }
  }
}
