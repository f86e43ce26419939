import fastifyMultipart from '@fastify/multipart';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { serveOpenApi } from './openapi/openapi';

export const API_PREFIX = 'api/v1';

/**
 * What main.ts does before listening: REST under /api/v1 (probes, metrics and the public document
 * links stay at the root, where orchestrators and customers look), JSON bodies, and the OpenAPI
 * document generated from the code (public: GET /api/v1/openapi.json, Swagger UI at /api/v1/docs).
 */
export function configureDeskApi(app: NestFastifyApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      // Customers open document links with no token, under PUBLIC_FILES_BASE_URL.
      { path: 'files/:attachmentId', method: RequestMethod.GET },
    ],
  });
  // JSON and multipart/form-data (uploads; each route sets its own limits when it reads the
  // parts): a text/plain body is a client mistake, answered 415.
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  // Loaded by Fastify when the app is initialised, before it listens.
  void app.getHttpAdapter().getInstance().register(fastifyMultipart);
  serveOpenApi(app);
}
