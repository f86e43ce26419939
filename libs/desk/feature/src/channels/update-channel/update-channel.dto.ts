import { ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  departmentId?: string;

  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{32}$',
    writeOnly: true,
    description: 'A new AppSecret, checked against WeChat first',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[0-9a-f]{32}$/, { message: 'appSecret must be 32 lower-case hex digits' })
  appSecret?: string;

  @ApiPropertyOptional({ enum: ENCRYPTION_MODES })
  @IsOptional()
  @IsIn(ENCRYPTION_MODES)
  encryptionMode?: EncryptionMode;

  @ApiPropertyOptional({ enum: REPLY_POLICIES })
  @IsOptional()
  @IsIn(REPLY_POLICIES)
  replyPolicy?: ReplyPolicy;
}
