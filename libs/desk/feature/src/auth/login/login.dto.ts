import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

import { AGENT_ROLES, type AgentRole } from '@wechat-desk/desk/data-access';

import { NormalizeEmail } from '../../common/transforms';
import type { LoginResult } from './login';

/** Deliberately loose: a malformed e-mail is just a wrong credential, not a hint. */
export class LoginDto {
  @ApiProperty({ example: 'admin@wechat-desk.local', maxLength: 320 })
  @NormalizeEmail()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

@ApiSchema({ name: 'SignedInAgent' })
class SignedInAgentDoc implements Readonly<LoginResult['agent']> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: AGENT_ROLES })
  role!: AgentRole;
}

/** LoginResult for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'LoginResult' })
export class LoginResultDoc implements LoginResult {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ format: 'date-time', description: 'When the token stops working' })
  expiresAt!: string;

  @ApiProperty({ type: () => SignedInAgentDoc })
  agent!: SignedInAgentDoc;
}
