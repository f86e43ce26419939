import { IsString, MaxLength, MinLength } from 'class-validator';

import { NormalizeEmail } from '../../common/transforms';

/** Deliberately loose: a malformed e-mail is just a wrong credential, not a hint. */
export class LoginDto {
  @NormalizeEmail()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}
