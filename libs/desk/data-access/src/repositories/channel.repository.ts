import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';

import type { EncryptionMode, EventEnvelope, ReplyPolicy } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

import { ChannelEntity } from '../entities/channel.entity';
import { withConstraintErrors } from '../errors';
import type { Change, TransactionHook } from './transaction-hook';

const SCHEMA = 'desk';

export const CHANNEL_APP_ID_UNIQUE = 'channels_app_id_unique';
export const CHANNEL_DEPARTMENT_FK = 'channels_department_id_fkey';

export interface ChannelIcon {
  bytes: Buffer;
  mimeType: string;
}

export interface NewChannel {
  id: string;
  name: string;
  departmentId: string;
  enabled: boolean;
  encryptionMode: EncryptionMode;
  replyPolicy: ReplyPolicy;
  appId: string;
  originalId: string;
  /** Already sealed with sealChannelSecrets. */
  sealedSecrets: string;
  icon: ChannelIcon | null;
  version: number;
  createdAt: Date;
}

/** A channel without its icon bytes (those are loaded only when served). */
export type ChannelRecord = Omit<ChannelEntity, 'icon'>;

/** What an admin can change of a channel (version and updatedAt follow by themselves). */
export type ChannelChange = Partial<
  Pick<
    ChannelRecord,
    'name' | 'departmentId' | 'enabled' | 'encryptionMode' | 'replyPolicy' | 'sealedSecrets'
  >
>;

export interface ChannelUpdate {
  channel: ChannelRecord;
  /** False when the change was a no-op (nothing written, no event). */
  changed: boolean;
}

@Injectable()
export class ChannelRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get repository(): Repository<ChannelEntity> {
    return this.dataSource.getRepository(ChannelEntity);
  }

  /**
   * Stores the channel and its events in one transaction (transactional outbox).
   * Throws UniqueViolationError(CHANNEL_APP_ID_UNIQUE) or ForeignKeyViolationError(CHANNEL_DEPARTMENT_FK).
   */
  async insert(
    channel: NewChannel,
    events: readonly EventEnvelope[],
    hook?: TransactionHook<ChannelRecord>,
  ): Promise<ChannelRecord> {
    const { icon, ...fields } = channel;
    const entity: ChannelEntity = {
      ...fields,
      icon: icon?.bytes ?? null,
      iconMime: icon?.mimeType ?? null,
      updatedAt: channel.createdAt,
    };
    const stored: ChannelRecord = {
      ...fields,
      iconMime: entity.iconMime,
      updatedAt: entity.updatedAt,
    };
    await withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.insert(ChannelEntity, entity);
        await enqueueEvents(manager, SCHEMA, events);
        await hook?.(manager, stored);
      }),
    );
    return stored;
  }

  /**
   * Changes one channel under a row lock: `change` gets the current state and returns the new
   * fields (or null to leave it as it is); version and updatedAt move on, and the events built from
   * the new state are enqueued in the same transaction. Null when the channel does not exist.
   * Throws ForeignKeyViolationError(CHANNEL_DEPARTMENT_FK) for an unknown department.
   */
  async update(
    id: string,
    change: (current: ChannelRecord) => ChannelChange | null,
    events: (updated: ChannelRecord) => readonly EventEnvelope[],
    hook?: TransactionHook<Change<ChannelRecord>>,
  ): Promise<ChannelUpdate | null> {
    return withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        const current = await manager.findOne(ChannelEntity, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        if (current === null) {
          return null;
        }
        const fields = change(current);
        if (fields === null) {
          return { channel: current, changed: false };
        }
        const updated: ChannelRecord = {
          ...current,
          ...fields,
          version: current.version + 1,
          updatedAt: new Date(),
        };
        await manager.update(
          ChannelEntity,
          { id },
          {
            ...fields,
            version: updated.version,
            updatedAt: updated.updatedAt,
          },
        );
        await enqueueEvents(manager, SCHEMA, events(updated));
        await hook?.(manager, { before: current, after: updated });
        return { channel: updated, changed: true };
      }),
    );
  }

  /** The icon's bytes and type, or null when the channel or its icon does not exist. */
  async findIcon(id: string): Promise<ChannelIcon | null> {
    const row = await this.repository.findOne({
      where: { id },
      select: { id: true, icon: true, iconMime: true },
    });
    if (row === null || row.icon === null || row.icon === undefined || row.iconMime === null) {
      return null;
    }
    return { bytes: row.icon, mimeType: row.iconMime };
  }

  findById(id: string): Promise<ChannelRecord | null> {
    return this.repository.findOneBy({ id });
  }

  list(): Promise<ChannelRecord[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
