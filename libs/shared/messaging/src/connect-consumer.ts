import {
  ArgumentsHost,
  Catch,
  type INestApplication,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { NestMicroservice } from '@nestjs/microservices';
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
  // Nest binds each handler to the global filters that exist when it registers the listeners,
  // which connectMicroservice does at once unless deferred: defer it to listen(), after the
  // filter is in place (registered earlier, the filter never applied).
  const microservice = app.connectMicroservice(
    { strategy: app.get(AmqpTransport) },
    { inheritAppConfig: false, deferInitialization: true },
  );
  microservice.useGlobalFilters(new RethrowHandlerErrorsFilter());
  // The app's init() runs the lifecycle hooks of the shared container; a deferred microservice
  // would run them a second time in listen() unless told they ran.
  if (microservice instanceof NestMicroservice) {
    microservice.setIsInitHookCalled(true);
  }
}
