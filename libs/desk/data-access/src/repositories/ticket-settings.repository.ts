import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

export interface TicketSettingsRecord {
  departmentId: string;
  channelId: string;
  conversionTimerMinutes: number;
  version: number;
  updatedAt: Date;
}

interface TicketSettingsRow {
  department_id: string;
  channel_id: string;
  conversion_timer_minutes: number;
  version: number;
  updated_at: Date;
}

const toRecord = (row: TicketSettingsRow): TicketSettingsRecord => ({
  departmentId: row.department_id,
  channelId: row.channel_id,
  conversionTimerMinutes: row.conversion_timer_minutes,
  version: row.version,
  updatedAt: row.updated_at,
});

/** Conversion timers per department and channel, as admins set them. */
@Injectable()
export class TicketSettingsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async find(departmentId: string, channelId: string): Promise<TicketSettingsRecord | null> {
    const rows: TicketSettingsRow[] = await this.dataSource.query(
      'SELECT * FROM desk.ticket_settings WHERE department_id = $1 AND channel_id = $2',
      [departmentId, channelId],
    );
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  /**
   * Sets the timer and announces it in one transaction; `announce` builds the events from the
   * stored row (its new version).
   */
  async save(
    settings: {
      departmentId: string;
      channelId: string;
      conversionTimerMinutes: number;
      updatedBy: string;
    },
    announce: (stored: TicketSettingsRecord) => EventEnvelope[],
  ): Promise<TicketSettingsRecord> {
    return this.dataSource.transaction(async (manager) => {
      const rows: TicketSettingsRow[] = await manager.query(
        `INSERT INTO desk.ticket_settings (department_id, channel_id, conversion_timer_minutes, version, updated_by)
         VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (department_id, channel_id) DO UPDATE SET
           conversion_timer_minutes = EXCLUDED.conversion_timer_minutes,
           version = ticket_settings.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING *`,
        [
          settings.departmentId,
          settings.channelId,
          settings.conversionTimerMinutes,
          settings.updatedBy,
        ],
      );
      const stored = toRecord(rows[0]);
      await enqueueEvents(manager, 'desk', announce(stored));
      return stored;
    });
  }
}
