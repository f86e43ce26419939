import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
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
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Main' })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ pattern: '^gh_[0-9a-f]{12}$', example: 'gh_0123456789ab' })
  @Trim()
  @IsString()
  @Matches(/^gh_[0-9a-f]{12}$/, {
    message: 'originalId must be "gh_" followed by 12 lower-case hex digits',
  })
  originalId!: string;

  @ApiProperty({ pattern: '^wx[0-9a-f]{16}$', example: 'wx1234567890abcdef' })
  @Trim()
  @IsString()
  @Matches(/^wx[0-9a-f]{16}$/, {
    message: 'appId must be "wx" followed by 16 lower-case hex digits',
  })
  appId!: string;

  @ApiProperty({
    pattern: '^[0-9a-f]{32}$',
    writeOnly: true,
    description: 'Checked against WeChat; stored encrypted, never returned',
  })
  @Trim()
  @IsString()
  @Matches(/^[0-9a-f]{32}$/, { message: 'appSecret must be 32 lower-case hex digits' })
  appSecret!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  departmentId!: string;

  @ApiPropertyOptional({ enum: ENCRYPTION_MODES, default: 'secure' })
  @IsOptional()
  @IsIn(ENCRYPTION_MODES)
  encryptionMode?: EncryptionMode;

  @ApiPropertyOptional({ enum: REPLY_POLICIES, default: 'desk-classic' })
  @IsOptional()
  @IsIn(REPLY_POLICIES)
  replyPolicy?: ReplyPolicy;
}

/** The multipart form of POST /channels, for the OpenAPI document: the fields plus the icon. */
@ApiSchema({ name: 'CreateChannelForm' })
export class CreateChannelFormDoc extends CreateChannelDto {
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description: 'jpg/jpeg/png (checked by its bytes), at most 1 MB; multipart only',
  })
  icon?: unknown;
}
