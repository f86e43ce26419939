import { Inject, Injectable } from '@nestjs/common';

import {
  openChannelSecrets,
  sealChannelSecrets,
  type ChannelSecrets,
} from '@wechat-desk/contracts';
import {
  ChannelRepository,
  DepartmentRepository,
  ForeignKeyViolationError,
  type ChannelChange,
  type ChannelRecord,
} from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';
import { SecretBox } from '@wechat-desk/shared/util';
import { generateEncodingAesKey } from '@wechat-desk/wechat/crypto';

import { AuditLog } from '../../audit/audit-log';
import { DeskErrors } from '../../common/desk-error';
import { channelAuditFields } from '../channel-audit';
import { channelUpdatedEvent } from '../channel-updated-event';
import { presentChannel, type ChannelView } from '../channel.view';
import { CheckWechatCredentials } from '../credentials/check-wechat-credentials';
import type { UpdateChannelDto } from './update-channel.dto';

/**
 * Every change of an existing channel: edit, disable/enable, EncodingAESKey rotation. Each one
 * that changes something bumps the version and enqueues channel.updated.v1 in the same
 * transaction, so ingress and outbound follow; a change to nothing writes nothing.
 */
@Injectable()
export class UpdateChannel {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(CheckWechatCredentials) private readonly credentials: CheckWechatCredentials,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  /** A new AppSecret is checked against WeChat first (nothing is saved when it is refused). */
  async edit(actorId: string, id: string, input: UpdateChannelDto): Promise<ChannelView> {
    if (input.departmentId !== undefined && !(await this.departments.exists(input.departmentId))) {
      throw DeskErrors.departmentsNotFound([input.departmentId]);
    }
    const newSecret = input.appSecret;
    if (newSecret !== undefined) {
      const current = await this.channels.findById(id);
      if (current === null) {
        throw DeskErrors.notFound('Channel', id);
      }
      if (this.open(current).appSecret !== newSecret) {
        await this.credentials.execute({ appId: current.appId, appSecret: newSecret });
      }
    }
    try {
      const audit = { actorId, action: 'channel.updated' };
      return await this.change(id, audit, (current, secrets) => {
        const change: ChannelChange = {};
        if (input.name !== undefined && input.name !== current.name) {
          change.name = input.name;
        }
        if (input.departmentId !== undefined && input.departmentId !== current.departmentId) {
          change.departmentId = input.departmentId;
        }
        if (input.encryptionMode !== undefined && input.encryptionMode !== current.encryptionMode) {
          change.encryptionMode = input.encryptionMode;
        }
        if (input.replyPolicy !== undefined && input.replyPolicy !== current.replyPolicy) {
          change.replyPolicy = input.replyPolicy;
        }
        if (newSecret !== undefined && newSecret !== secrets.appSecret) {
          change.sealedSecrets = this.seal(id, { ...secrets, appSecret: newSecret });
        }
        return Object.keys(change).length === 0 ? null : change;
      });
    } catch (error) {
      if (error instanceof ForeignKeyViolationError && input.departmentId !== undefined) {
        throw DeskErrors.departmentsNotFound([input.departmentId]);
      }
      throw error;
    }
  }

  /** Disabling keeps every message, ticket and secret; enabling brings the channel back as it was. */
  setEnabled(actorId: string, id: string, enabled: boolean): Promise<ChannelView> {
    const audit = { actorId, action: enabled ? 'channel.enabled' : 'channel.disabled' };
    return this.change(id, audit, (current) => (current.enabled === enabled ? null : { enabled }));
  }

  /**
   * A new EncodingAESKey; the current one becomes the previous key, which the ingress keeps
   * decrypting with until the next rotation (WeChat may still push under it for a while).
   */
  rotateAesKey(actorId: string, id: string): Promise<ChannelView> {
    const audit = { actorId, action: 'channel.aes-key-rotated' };
    return this.change(id, audit, (_current, secrets) => ({
      sealedSecrets: this.seal(id, {
        ...secrets,
        encodingAesKey: generateEncodingAesKey(),
        previousEncodingAesKey: secrets.encodingAesKey,
      }),
    }));
  }

  private async change(
    id: string,
    audit: { actorId: string; action: string },
    change: (current: ChannelRecord, secrets: ChannelSecrets) => ChannelChange | null,
  ): Promise<ChannelView> {
    const result = await this.channels.update(
      id,
      (current) => change(current, this.open(current)),
      (updated) => [channelUpdatedEvent(updated)],
      (manager, { before, after }) =>
        this.auditLog.record(manager, {
          ...audit,
          targetType: 'channel',
          targetId: id,
          before: channelAuditFields(before),
          after: channelAuditFields(after),
          secretsChanged: this.secretsChanged(before, after),
        }),
    );
    if (result === null) {
      throw DeskErrors.notFound('Channel', id);
    }
    return presentChannel(result.channel, this.open(result.channel), this.config.PUBLIC_BASE_URL);
  }

  /** Names (never values) of the secrets a change replaced. */
  private secretsChanged(before: ChannelRecord, after: ChannelRecord): string[] {
    if (before.sealedSecrets === after.sealedSecrets) {
      return [];
    }
    const old = this.open(before);
    const now = this.open(after);
    return (['appSecret', 'token', 'encodingAesKey'] as const).filter(
      (name) => old[name] !== now[name],
    );
  }

  private open(channel: Pick<ChannelRecord, 'id' | 'sealedSecrets'>): ChannelSecrets {
    return openChannelSecrets(this.secretBox, channel.id, channel.sealedSecrets);
  }

  private seal(id: string, secrets: ChannelSecrets): string {
    return sealChannelSecrets(this.secretBox, id, secrets);
  }
}
