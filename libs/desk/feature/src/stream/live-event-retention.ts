import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';

import { LiveEventRepository } from '@wechat-desk/desk/data-access';

import { LIVE_STREAM_SETTINGS, type LiveStreamSettings } from './live-stream-settings';

/** Rows per DELETE: keeps each statement (and its locks) short however large the backlog. */
const DELETE_BATCH = 5_000;

/**
 * Deletes live events past the retention, on every replica (the deletes are idempotent, so
 * replicas doing it at once only repeat each other). A client resuming from before what is kept
 * is told to refetch (`event: reset`).
 */
@Injectable()
export class LiveEventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveEventRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(LiveEventRepository) private readonly events: LiveEventRepository,
    @Inject(LIVE_STREAM_SETTINGS) private readonly settings: LiveStreamSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running === null) {
        this.running = this.deleteExpired()
          .then((deleted) => {
            if (deleted > 0) {
              this.logger.log(`Deleted ${deleted} live events past retention`);
            }
          })
          .catch((error: unknown) =>
            this.logger.warn(`Could not delete expired live events: ${String(error)}`),
          )
          .finally(() => {
            this.running = null;
          });
      }
    }, this.settings.retentionIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== null) {
      clearInterval(this.timer);
    }
    await this.running;
  }

  /** Answers how many were deleted. */
  async deleteExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.settings.retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await this.events.deleteCreatedBefore(cutoff, DELETE_BATCH);
      total += deleted;
      if (deleted < DELETE_BATCH) {
        return total;
      }
    }
  }
}
