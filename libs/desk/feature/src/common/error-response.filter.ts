import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { toErrorResponse } from './error-response';

/** Answers every HTTP error in the documented shape (message handlers have their own filter). */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = toErrorResponse(exception);
    if (isUnexpected(exception, status)) {
      const request = host.switchToHttp().getRequest<{ method?: string; url?: string }>();
      this.logger.error(
        `${request.method ?? '?'} ${request.url ?? '?'} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
  }
}

/** Worth an error log: not a deliberate HTTP answer (a 503 from readiness is one). */
function isUnexpected(exception: unknown, status: number): boolean {
  return (
    !(exception instanceof HttpException) ||
    (status >= 500 && status !== Number(HttpStatus.SERVICE_UNAVAILABLE))
  );
}
