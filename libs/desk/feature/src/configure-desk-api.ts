import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const API_PREFIX = 'api/v1';

/**
 * What main.ts does before listening: REST under /api/v1 (probes and metrics stay at the root,
 * where orchestrators look), and JSON bodies.
 */
export function configureDeskApi(app: NestFastifyApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  // JSON only (multipart joins for uploads): a text/plain body is a client mistake, answered 415.
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
}
