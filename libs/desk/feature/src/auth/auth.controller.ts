import { Body, Controller, HttpCode, HttpStatus, Inject, Ip, Post, Res } from '@nestjs/common';

import { Public } from '../common/auth/auth.decorators';
import { DeskError } from '../common/desk-error';
import { Login, TOO_MANY_ATTEMPTS, type LoginResult } from './login/login';
import { LoginDto } from './login/login.dto';

/** The part of Fastify's reply used here. */
interface ReplyHeaders {
  header(name: string, value: string): unknown;
}

@Controller('auth')
export class AuthController {
  constructor(@Inject(Login) private readonly login: Login) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async logIn(
    @Body() body: LoginDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<LoginResult> {
    try {
      return await this.login.execute(body.email, body.password, ip);
    } catch (error) {
      if (error instanceof DeskError && error.code === TOO_MANY_ATTEMPTS) {
        reply.header('Retry-After', String(error.details['retryAfterSeconds']));
      }
      throw error;
    }
  }
}
