import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The one-member tag each account's monthly messages are sent through. */
@Injectable()
export class ChannelTagRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async find(channelId: string, appId: string): Promise<number | null> {
    const rows: Array<{ tag_id: number }> = await this.dataSource.query(
      'SELECT tag_id FROM outbound.channel_tags WHERE channel_id = $1 AND app_id = $2',
      [channelId, appId],
    );
    return rows[0]?.tag_id ?? null;
  }

  /** Keeps the first tag recorded for the account (another worker may have created it). */
  async remember(channelId: string, appId: string, tagId: number): Promise<number> {
    const rows: Array<{ tag_id: number }> = await this.dataSource.query(
      `INSERT INTO outbound.channel_tags (channel_id, app_id, tag_id) VALUES ($1, $2, $3)
       ON CONFLICT (channel_id) DO UPDATE SET app_id = EXCLUDED.app_id, tag_id = EXCLUDED.tag_id
         WHERE outbound.channel_tags.app_id <> EXCLUDED.app_id
       RETURNING tag_id`,
      [channelId, appId, tagId],
    );
    return rows[0]?.tag_id ?? (await this.find(channelId, appId)) ?? tagId;
  }
}
