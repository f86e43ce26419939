import { ConsoleLogger, type INestApplication, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import type { AppConfig } from '@wechat-desk/shared/config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(
  service: string,
  config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>,
): ConsoleLogger {
  return new ConsoleLogger(service, {
    json: config.LOG_FORMAT === 'json',
    logLevels: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
    colors: config.LOG_FORMAT === 'pretty',
  });
}

export interface RunServiceOptions {
  service: string;
  module: Type<unknown>;
  config: AppConfig;
  port: number;
  bodyLimitBytes?: number;
  /** Runs after the app is created and before it listens (connect microservices, parsers…). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

/**
 * Boots one service on Fastify with JSON logs and graceful shutdown: on SIGTERM the HTTP server
 * stops accepting, consumers stop taking messages and finish the ones in flight, then connections close.
 */
export async function runService(options: RunServiceOptions): Promise<INestApplication> {
  const logger = createLogger(options.service, options.config);
  const app = await NestFactory.create<NestFastifyApplication>(
    options.module,
    new FastifyAdapter({
      bodyLimit: options.bodyLimitBytes ?? 1_048_576,
      trustProxy: options.config.HTTP_TRUSTED_PROXIES.split(',').map((entry) => entry.trim()),
    }),
    { logger, bufferLogs: true },
  );
  app.enableShutdownHooks();
  await options.configure?.(app);
  // init before consuming, so no message reaches a handler whose module is not ready yet.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, options.config.HTTP_HOST);
  logger.log(`${options.service} listening on ${await app.getUrl()}`);
  return app;
}
