import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import {
  openChannelSecrets,
  type ChannelSecrets,
  type ChannelUpdatedV1,
  type EncryptionMode,
  type ReplyPolicy,
} from '@wechat-desk/contracts';
import { SERVICE_SCHEMA } from '@wechat-desk/shared/persistence';
import { SecretBox } from '@wechat-desk/shared/util';

/** A channel as the consuming services know it, secrets opened. */
export interface ChannelRecord extends ChannelSummary {
  secrets: ChannelSecrets;
}

export interface ChannelSummary {
  channelId: string;
  version: number;
  departmentId: string;
  enabled: boolean;
  encryptionMode: EncryptionMode;
  replyPolicy: ReplyPolicy;
  appId: string;
  originalId: string;
}

interface ChannelRow {
  channel_id: string;
  version: number;
  department_id: string;
  enabled: boolean;
  encryption_mode: EncryptionMode;
  reply_policy: ReplyPolicy;
  app_id: string;
  original_id: string;
  sealed_secrets: string;
}

/** DDL of the projection; each consuming service creates it in its own schema. */
export function channelDirectoryTableSql(schema: string): string {
  return `CREATE TABLE "${schema}".channels (
    channel_id uuid PRIMARY KEY,
    version integer NOT NULL,
    department_id uuid NOT NULL,
    enabled boolean NOT NULL,
    encryption_mode text NOT NULL,
    reply_policy text NOT NULL,
    app_id text NOT NULL,
    original_id text NOT NULL,
    sealed_secrets text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;
}

export function channelNotifyChannel(schema: string): string {
  return `${schema}_channels`;
}

/**
 * A service's own projection of channels, fed by channel.updated.v1. Versions make it idempotent
 * and order-proof: an older event never overwrites a newer state.
 */
@Injectable()
export class ChannelDirectory {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_SCHEMA) private readonly schema: string,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
  ) {}

  async apply(event: ChannelUpdatedV1): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO "${this.schema}".channels
           (channel_id, version, department_id, enabled, encryption_mode, reply_policy, app_id, original_id, sealed_secrets)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (channel_id) DO UPDATE SET
           version = EXCLUDED.version, department_id = EXCLUDED.department_id, enabled = EXCLUDED.enabled,
           encryption_mode = EXCLUDED.encryption_mode, reply_policy = EXCLUDED.reply_policy,
           app_id = EXCLUDED.app_id, original_id = EXCLUDED.original_id,
           sealed_secrets = EXCLUDED.sealed_secrets, updated_at = now()
         WHERE channels.version < EXCLUDED.version`,
        [
          event.channelId,
          event.version,
          event.departmentId,
          event.enabled,
          event.encryptionMode,
          event.replyPolicy,
          event.appId,
          event.originalId,
          event.sealedSecrets,
        ],
      );
      await manager.query('SELECT pg_notify($1, $2)', [
        channelNotifyChannel(this.schema),
        event.channelId,
      ]);
    });
  }

  async find(channelId: string): Promise<ChannelRecord | null> {
    const row = await this.findRow(channelId);
    return row === null ? null : this.toRecord(row);
  }

  /** The channel without its secrets, for services that only route by it (no decryption). */
  async findSummary(channelId: string): Promise<ChannelSummary | null> {
    const row = await this.findRow(channelId);
    return row === null ? null : toSummary(row);
  }

  async all(): Promise<ChannelRecord[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT * FROM "${this.schema}".channels`,
    );
    return rows.map((row) => this.toRecord(row));
  }

  private async findRow(channelId: string): Promise<ChannelRow | null> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT * FROM "${this.schema}".channels WHERE channel_id = $1`,
      [channelId],
    );
    return rows[0] ?? null;
  }

  private toRecord(row: ChannelRow): ChannelRecord {
    return {
      ...toSummary(row),
      secrets: openChannelSecrets(this.secretBox, row.channel_id, row.sealed_secrets),
    };
  }
}

function toSummary(row: ChannelRow): ChannelSummary {
  return {
    channelId: row.channel_id,
    version: row.version,
    departmentId: row.department_id,
    enabled: row.enabled,
    encryptionMode: row.encryption_mode,
    replyPolicy: row.reply_policy,
    appId: row.app_id,
    originalId: row.original_id,
  };
}
