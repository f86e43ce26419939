import { randomUUID } from 'node:crypto';

import { HttpStatus, Inject, Injectable } from '@nestjs/common';

import {
  sealChannelSecrets,
  type ChannelSecrets,
  type EncryptionMode,
  type ReplyPolicy,
} from '@wechat-desk/contracts';
import {
  CHANNEL_APP_ID_UNIQUE,
  ChannelRepository,
  DepartmentRepository,
  ForeignKeyViolationError,
  UniqueViolationError,
  type ChannelIcon,
  type NewChannel,
} from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';
import { SecretBox } from '@wechat-desk/shared/util';
import { generateEncodingAesKey, generateToken } from '@wechat-desk/wechat/crypto';

import { AuditLog } from '../../audit/audit-log';
import { DeskError, DeskErrors } from '../../common/desk-error';
import { channelAuditFields } from '../channel-audit';
import { channelUpdatedEvent } from '../channel-updated-event';
import { presentChannel, type ChannelView } from '../channel.view';
import { CheckWechatCredentials } from '../credentials/check-wechat-credentials';

export interface CreateChannelInput {
  name: string;
  originalId: string;
  appId: string;
  appSecret: string;
  departmentId: string;
  encryptionMode?: EncryptionMode | undefined;
  replyPolicy?: ReplyPolicy | undefined;
  /** Already checked (type by its bytes, size); null when none was sent. */
  icon: ChannelIcon | null;
}

export const DEFAULT_ENCRYPTION_MODE: EncryptionMode = 'secure';
export const DEFAULT_REPLY_POLICY: ReplyPolicy = 'desk-classic';

/**
 * Checks the credentials against WeChat, then stores a new channel with freshly generated
 * callback credentials and announces it
 * (channel.updated.v1) in the same transaction, so ingress and outbound learn of it for sure.
 */
@Injectable()
export class CreateChannel {
  constructor(
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
    @Inject(DepartmentRepository) private readonly departments: DepartmentRepository,
    @Inject(CheckWechatCredentials) private readonly credentials: CheckWechatCredentials,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  async execute(actorId: string, input: CreateChannelInput): Promise<ChannelView> {
    if (!(await this.departments.exists(input.departmentId))) {
      throw DeskErrors.departmentsNotFound([input.departmentId]);
    }
    // Nothing is stored unless WeChat accepts the AppID and AppSecret (422/502 otherwise).
    await this.credentials.execute({ appId: input.appId, appSecret: input.appSecret });
    const id = randomUUID();
    const secrets: ChannelSecrets = {
      token: generateToken(),
      encodingAesKey: generateEncodingAesKey(),
      previousEncodingAesKey: null,
      appSecret: input.appSecret,
    };
    const channel: NewChannel = {
      id,
      name: input.name,
      departmentId: input.departmentId,
      enabled: true,
      encryptionMode: input.encryptionMode ?? DEFAULT_ENCRYPTION_MODE,
      replyPolicy: input.replyPolicy ?? DEFAULT_REPLY_POLICY,
      appId: input.appId,
      originalId: input.originalId,
      sealedSecrets: sealChannelSecrets(this.secretBox, id, secrets),
      icon: input.icon,
      version: 1,
      createdAt: new Date(),
    };
    try {
      const stored = await this.channels.insert(
        channel,
        [channelUpdatedEvent(channel)],
        (manager, created) =>
          this.auditLog.record(manager, {
            actorId,
            action: 'channel.created',
            targetType: 'channel',
            targetId: created.id,
            after: channelAuditFields(created),
          }),
      );
      return presentChannel(stored, secrets, this.config.PUBLIC_BASE_URL);
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint === CHANNEL_APP_ID_UNIQUE) {
        throw new DeskError(
          HttpStatus.CONFLICT,
          'DUPLICATE_APP_ID',
          `A channel for AppID ${input.appId} exists`,
          {
            appId: input.appId,
          },
        );
      }
      if (error instanceof ForeignKeyViolationError) {
        throw DeskErrors.departmentsNotFound([input.departmentId]);
      }
      throw error;
    }
  }
}
