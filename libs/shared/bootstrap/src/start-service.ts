import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { ConfigValidationError, loadConfig, type AppConfig } from '@wechat-desk/shared/config';
import { connectConsumer } from '@wechat-desk/shared/messaging';
import { runService } from '@wechat-desk/shared/observability';

export interface StartServiceOptions {
  service: string;
  module: Type<unknown>;
  port: (config: AppConfig) => number;
  /** Consume this service's queue (every service but the simulator does). */
  consume: boolean;
  configure?: (app: NestFastifyApplication) => void;
}

/** The whole main() of a service: validated config, HTTP (health, metrics, routes), consumers. */
export function startService(options: StartServiceOptions): void {
  const run = async (): Promise<void> => {
    const config = loadConfig();
    await runService({
      service: options.service,
      module: options.module,
      config,
      port: options.port(config),
      configure: (app) => {
        options.configure?.(app);
        if (options.consume) {
          connectConsumer(app);
        }
      },
    });
  };
  run().catch((error: unknown) => {
    // A configuration problem is the operator's: the list of problems, without a stack.
    const shown =
      error instanceof ConfigValidationError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : error;
    console.error(shown);
    process.exit(1);
  });
}
