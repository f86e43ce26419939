import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { TicketSettingsUpdatedV1 } from '@wechat-desk/contracts';

/** Ticketing's projection of the conversion timers set in the desk. */
@Injectable()
export class TimerSettingsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Idempotent and order-proof: an older version never overwrites a newer one. */
  async apply(settings: TicketSettingsUpdatedV1): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ticketing.timer_settings (department_id, channel_id, conversion_timer_minutes, version)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (department_id, channel_id) DO UPDATE SET
         conversion_timer_minutes = EXCLUDED.conversion_timer_minutes, version = EXCLUDED.version
       WHERE timer_settings.version < EXCLUDED.version`,
      [
        settings.departmentId,
        settings.channelId,
        settings.conversionTimerMinutes,
        settings.version,
      ],
    );
  }

  /** The timer in minutes, or null when none was set for this department and channel. */
  async findMinutes(departmentId: string, channelId: string): Promise<number | null> {
    const rows: Array<{ minutes: number }> = await this.dataSource.query(
      `SELECT conversion_timer_minutes AS minutes FROM ticketing.timer_settings
       WHERE department_id = $1 AND channel_id = $2`,
      [departmentId, channelId],
    );
    return rows[0]?.minutes ?? null;
  }
}
