import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const ENCRYPTION_MODES = ['secure', 'compatible', 'plaintext'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

export const REPLY_POLICIES = ['desk-classic', 'wechat-2023'] as const;
export type ReplyPolicy = (typeof REPLY_POLICIES)[number];

/** The secrets of a channel; they travel only sealed with MASTER_KEY (see sealedSecrets). */
export interface ChannelSecrets {
  token: string;
  encodingAesKey: string;
  /** Keeps decrypting after a rotation, until the next one. */
  previousEncodingAesKey: string | null;
  appSecret: string;
}

/** The whole current state of a channel, published on every change; `version` orders them. */
export class ChannelUpdatedV1 {
  @IsUUID()
  channelId!: string;

  @IsInt()
  @Min(1)
  version!: number;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @IsUUID()
  departmentId!: string;

  @IsBoolean()
  enabled!: boolean;

  @IsIn(ENCRYPTION_MODES)
  encryptionMode!: EncryptionMode;

  @IsIn(REPLY_POLICIES)
  replyPolicy!: ReplyPolicy;

  @Matches(/^wx[0-9a-f]{16}$/)
  appId!: string;

  @Matches(/^gh_[0-9a-f]{12}$/)
  originalId!: string;

  /** ChannelSecrets as JSON, sealed with AES-256-GCM under MASTER_KEY. */
  @IsString()
  @MinLength(1)
  sealedSecrets!: string;
}
