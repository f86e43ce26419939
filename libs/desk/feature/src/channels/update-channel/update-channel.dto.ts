import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

import {
  ENCRYPTION_MODES,
  REPLY_POLICIES,
  type EncryptionMode,
  type ReplyPolicy,
} from '@wechat-desk/contracts';

import { Trim } from '../../common/transforms';

/** PATCH /channels/{id}: any of these; AppID and Original ID belong to the account and stay. */
export class UpdateChannelDto {
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @IsOptional()
  @IsUUID('all')
  departmentId?: string;

  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[0-9a-f]{32}$/, { message: 'appSecret must be 32 lower-case hex digits' })
  appSecret?: string;

  @IsOptional()
  @IsIn(ENCRYPTION_MODES)
  encryptionMode?: EncryptionMode;

  @IsOptional()
  @IsIn(REPLY_POLICIES)
  replyPolicy?: ReplyPolicy;
}
