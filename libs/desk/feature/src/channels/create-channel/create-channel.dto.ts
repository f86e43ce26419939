import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

import {
  ENCRYPTION_MODES,
  REPLY_POLICIES,
  type EncryptionMode,
  type ReplyPolicy,
} from '@wechat-desk/contracts';

import { Trim } from '../../common/transforms';

/**
 * The text fields of a new channel. JSON today; the multipart form (with the icon) validates its
 * fields with this same class.
 */
export class CreateChannelDto {
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @Trim()
  @IsString()
  @Matches(/^gh_[0-9a-f]{12}$/, {
    message: 'originalId must be "gh_" followed by 12 lower-case hex digits',
  })
  originalId!: string;

  @Trim()
  @IsString()
  @Matches(/^wx[0-9a-f]{16}$/, {
    message: 'appId must be "wx" followed by 16 lower-case hex digits',
  })
  appId!: string;

  @Trim()
  @IsString()
  @Matches(/^[0-9a-f]{32}$/, { message: 'appSecret must be 32 lower-case hex digits' })
  appSecret!: string;

  @IsUUID('all')
  departmentId!: string;

  @IsOptional()
  @IsIn(ENCRYPTION_MODES)
  encryptionMode?: EncryptionMode;

  @IsOptional()
  @IsIn(REPLY_POLICIES)
  replyPolicy?: ReplyPolicy;
}
