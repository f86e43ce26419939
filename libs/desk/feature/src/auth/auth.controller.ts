import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';

import { Public } from '../common/auth/auth.decorators';
import { Login, type LoginResult } from './login/login';
import { LoginDto } from './login/login.dto';

@Controller('auth')
export class AuthController {
  constructor(@Inject(Login) private readonly login: Login) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  logIn(@Body() body: LoginDto): Promise<LoginResult> {
    return this.login.execute(body.email, body.password);
  }
}
