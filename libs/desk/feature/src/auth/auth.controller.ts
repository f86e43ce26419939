import { Body, Controller, HttpCode, HttpStatus, Inject, Ip, Post, Res } from '@nestjs/common';

import { ApiOkResponse } from '@nestjs/swagger';

import { Public } from '../common/auth/auth.decorators';
import { DeskError } from '../common/desk-error';
import { ApiDeskErrors } from '../openapi/api-errors';
import { Login, TOO_MANY_ATTEMPTS, type LoginResult } from './login/login';
import { LoginDto, LoginResultDoc } from './login/login.dto';

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
  @ApiOkResponse({ type: LoginResultDoc })
  @ApiDeskErrors(
    [401, 'INVALID_CREDENTIALS: wrong e-mail or password, or a deactivated agent'],
    422,
    429,
  )
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
