import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '@wechat-desk/shared/config';
import { PgNotificationListener, SERVICE_SCHEMA } from '@wechat-desk/shared/persistence';

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
  private readonly listener: PgNotificationListener;

  constructor(
    @Inject(ChannelDirectory) private readonly directory: ChannelDirectory,
    @Inject(AppConfig) config: AppConfig,
    @Inject(SERVICE_SCHEMA) schema: string,
  ) {
    this.listener = new PgNotificationListener({
      databaseUrl: config.DATABASE_URL,
      channel: channelNotifyChannel(schema),
      applicationName: `${schema}-channel-cache`,
      onNotification: (channelId) => {
        if (channelId !== undefined) {
          this.reloadOne(channelId).catch((error: unknown) =>
            this.logger.warn(`Could not reload channel ${channelId}: ${String(error)}`),
          );
        }
      },
      // Changes made while no listener was attached are picked up here.
      onListening: () => this.reloadAll(),
    });
  }

  get(channelId: string): ChannelRecord | undefined {
    return this.channels.get(channelId);
  }

  async onModuleInit(): Promise<void> {
    await this.reloadAll();
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
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
}
