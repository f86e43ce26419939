import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';

import type { EncryptionMode, EventEnvelope, ReplyPolicy } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

import { ChannelEntity } from '../entities/channel.entity';
import { withConstraintErrors } from '../errors';

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
  async insert(channel: NewChannel, events: readonly EventEnvelope[]): Promise<ChannelRecord> {
    const { icon, ...fields } = channel;
    const entity: ChannelEntity = {
      ...fields,
      icon: icon?.bytes ?? null,
      iconMime: icon?.mimeType ?? null,
      updatedAt: channel.createdAt,
    };
    await withConstraintErrors(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.insert(ChannelEntity, entity);
        await enqueueEvents(manager, SCHEMA, events);
      }),
    );
    return { ...fields, iconMime: entity.iconMime, updatedAt: entity.updatedAt };
  }

  findById(id: string): Promise<ChannelRecord | null> {
    return this.repository.findOneBy({ id });
  }

  list(): Promise<ChannelRecord[]> {
    return this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
