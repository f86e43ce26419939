import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  MinLength,
} from 'class-validator';

import { AGENT_ROLES, type AgentRole } from '@wechat-desk/desk/data-access';

import { NormalizeEmail, Trim } from '../../common/transforms';

export class CreateAgentDto {
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password!: string;

  @IsIn(AGENT_ROLES)
  role!: AgentRole;

  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  departmentIds!: string[];
}
