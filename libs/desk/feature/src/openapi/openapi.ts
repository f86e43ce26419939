import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

import { PUBLIC_ROUTE } from '../common/auth/auth.decorators';
import { UNAUTHENTICATED_CONTROLLERS } from '../common/auth/auth.guard';
import { ErrorBodyDoc } from './api-errors';

/** Both public (no token), outside the guard: Swagger registers them on Fastify itself. */
export const OPENAPI_JSON_PATH = '/api/v1/openapi.json';
export const OPENAPI_UI_PATH = '/api/v1/docs';
/** The name of the security scheme every route but sign-in, probes and metrics requires. */
export const BEARER_SCHEME = 'bearer';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `<Controller class>_<method>`: how a document's operation is traced back to its handler. */
const operationId = (controller: string, method: string): string => `${controller}_${method}`;

/**
 * The OpenAPI 3 document of desk-api, generated from its controllers and decorated DTO/view
 * classes. Tags are the controllers' names; every operation needs the bearer token except those
 * the AuthGuard lets through (@Public() routes, probes and metrics), which get `security: []`.
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('wechat-desk desk API')
    .setDescription(
      'The REST API agents and admins use (docs/api.md). Errors are ' +
        '`{"error": {"code", "message", "details"}}` (schema ErrorBody). Sign in with ' +
        '`POST /api/v1/auth/login` and send `Authorization: Bearer <accessToken>`.',
    )
    .setVersion(packageVersion())
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'The accessToken from POST /auth/login' },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorBodyDoc],
    operationIdFactory: operationId,
  });
  const publicOperations = findPublicOperations(app);
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (operation !== undefined && publicOperations.has(operation.operationId ?? '')) {
        operation.security = [];
      }
    }
  }
  return document;
}

/** Generates the document at boot and serves it (JSON and Swagger UI); call before init. */
export function serveOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'wechat-desk desk API',
    swaggerOptions: { persistAuthorization: true },
  });
}

/** Operation ids of the handlers the AuthGuard lets through without a token. */
function findPublicOperations(app: NestFastifyApplication): Set<string> {
  const ids = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (controller === null || typeof controller !== 'function') {
        continue;
      }
      const classIsPublic =
        UNAUTHENTICATED_CONTROLLERS.has(controller) ||
        Reflect.getMetadata(PUBLIC_ROUTE, controller) === true;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (
          name !== 'constructor' &&
          typeof handler === 'function' &&
          (classIsPublic || Reflect.getMetadata(PUBLIC_ROUTE, handler) === true)
        ) {
          ids.add(operationId(controller.name, name));
        }
      }
    }
  }
  return ids;
}

/** The workspace's version (package.json above this file, from src or dist); else 0.0.0. */
function packageVersion(): string {
  let directory = __dirname;
  for (let depth = 0; depth < 8; depth += 1) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'wechat-desk' && typeof manifest.version === 'string') {
        return manifest.version;
      }
    }
    directory = dirname(directory);
  }
  return '0.0.0';
}
