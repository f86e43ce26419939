import { Logger } from '@nestjs/common';
import { Client } from 'pg';

import { sleep } from '@wechat-desk/shared/util';

export interface PgNotificationListenerOptions {
  databaseUrl: string;
  /** The NOTIFY channel to LISTEN on. */
  channel: string;
  applicationName: string;
  onNotification: (payload: string | undefined) => void;
  /** Runs after every (re)connect: catch up on what was missed while not listening. */
  onListening: () => Promise<void> | void;
  reconnectDelayMs?: number;
}

/**
 * A dedicated PostgreSQL connection that LISTENs on one channel and comes back by itself when it
 * is lost. What a commit notifies arrives within milliseconds, on every replica.
 */
export class PgNotificationListener {
  private readonly logger: Logger;
  private running = false;
  private client: Client | null = null;
  private loop: Promise<void> | null = null;
  private stopping: AbortController | null = null;

  constructor(private readonly options: PgNotificationListenerOptions) {
    this.logger = new Logger(`${PgNotificationListener.name}:${options.channel}`);
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  /** Resolves once the connection is closed, whatever state it was in. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping?.abort();
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private async run(stopping: AbortSignal): Promise<void> {
    while (this.running) {
      const client = new Client({
        connectionString: this.options.databaseUrl,
        application_name: this.options.applicationName,
        connectionTimeoutMillis: 5_000,
      });
      // Attached from the start: an idle connection's 'error' without a listener would crash.
      const gone = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      this.client = client;
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
        client.on('notification', (notification) =>
          this.options.onNotification(notification.payload),
        );
        await client.query(`LISTEN "${this.options.channel}"`);
        await this.options.onListening();
        await gone;
      } catch (error) {
        if (this.running) {
          this.logger.warn(
            `Listener lost (${error instanceof Error ? error.message : String(error)}); reconnecting`,
          );
        }
      }
      await client.end().catch(() => undefined);
      if (this.client === client) {
        this.client = null;
      }
      if (this.running) {
        await sleep(this.options.reconnectDelayMs ?? 1_000, stopping);
      }
    }
  }
}
