import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { EncryptionMode, ReplyPolicy } from '@wechat-desk/contracts';

@Entity({ name: 'channels' })
export class ChannelEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'encryption_mode', type: 'text' })
  encryptionMode!: EncryptionMode;

  @Column({ name: 'reply_policy', type: 'text' })
  replyPolicy!: ReplyPolicy;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'original_id', type: 'text' })
  originalId!: string;

  /** ChannelSecrets sealed with MASTER_KEY (sealChannelSecrets): never plaintext. */
  @Column({ name: 'sealed_secrets', type: 'text' })
  sealedSecrets!: string;

  /** Not loaded by default: lists should not drag up to 1 MB per row along. */
  @Column({ type: 'bytea', nullable: true, select: false })
  icon!: Buffer | null;

  @Column({ name: 'icon_mime', type: 'text', nullable: true })
  iconMime!: string | null;

  /** Incremented on every change; channel.updated.v1 carries it so consumers keep the newest. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
