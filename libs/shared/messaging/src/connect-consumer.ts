import { ArgumentsHost, Catch, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

import { AmqpTransport } from './amqp-transport';

/**
 * Nest's default RPC filter turns a handler's error into a plain `{status, message}` object, which
 * would hide NonRetryableError from the transport. This one hands the error over untouched, so
 * the transport decides between retry and dead-letter on what the handler really threw.
 */
@Catch()
export class RethrowHandlerErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** Attaches the service's queue consumer to an app; HTTP pipes and filters are not inherited. */
export function connectConsumer(app: INestApplication): void {
  app
    .connectMicroservice({ strategy: app.get(AmqpTransport) }, { inheritAppConfig: false })
    .useGlobalFilters(new RethrowHandlerErrorsFilter());
}
