import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';

import { AppConfig } from '@wechat-desk/shared/config';
import { SERVICE_SCHEMA } from '@wechat-desk/shared/persistence';
import { sleep } from '@wechat-desk/shared/util';

import { ChannelDirectory, channelNotifyChannel, type ChannelRecord } from './channel-directory';

/**
 * Every channel in memory for the hot path (no database read per push). Loaded at start and kept
 * current by PostgreSQL notifications from the projection, so every replica sees a change within
 * milliseconds; after a lost listener it reloads everything.
 */
@Injectable()
export class CachedChannelDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CachedChannelDirectory.name);
  private readonly channels = new Map<string, ChannelRecord>();
  private listener: Client | null = null;
  private running = true;
  private listening: Promise<void> | null = null;

  constructor(
    @Inject(ChannelDirectory) private readonly directory: ChannelDirectory,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
  ) {}

  get(channelId: string): ChannelRecord | undefined {
    return this.channels.get(channelId);
  }

  async onModuleInit(): Promise<void> {
    await this.reloadAll();
    this.listening = this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.listener?.end().catch(() => undefined);
    await this.listening;
  }

  private async reloadAll(): Promise<void> {
    const records = await this.directory.all();
    this.channels.clear();
    for (const record of records) {
      this.channels.set(record.channelId, record);
    }
  }

  private async reloadOne(channelId: string): Promise<void> {
    const record = await this.directory.find(channelId);
    const cached = this.channels.get(channelId);
    if (record === null) {
      this.channels.delete(channelId);
    } else if (cached === undefined || cached.version <= record.version) {
      // Overlapping reloads may finish out of order; never step back to an older version.
      this.channels.set(channelId, record);
    }
  }

  private async listen(): Promise<void> {
    while (this.running) {
      const client = new Client({
        connectionString: this.config.DATABASE_URL,
        application_name: 'channel-cache',
      });
      const lost = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        this.listener = client;
        client.on('notification', (notification) => {
          if (notification.payload !== undefined) {
            this.reloadOne(notification.payload).catch((error: unknown) =>
              this.logger.warn(
                `Could not reload channel ${String(notification.payload)}: ${String(error)}`,
              ),
            );
          }
        });
        await client.query(`LISTEN "${channelNotifyChannel(this.schema)}"`);
        // Changes made while no listener was attached are picked up here.
        await this.reloadAll();
        await lost;
      } catch (error) {
        if (this.running) {
          this.logger.warn(`Channel listener lost: ${String(error)}`);
        }
      }
      await client.end().catch(() => undefined);
      if (this.running) {
        await sleep(1_000);
      }
    }
  }
}
