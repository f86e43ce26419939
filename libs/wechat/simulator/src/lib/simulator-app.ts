import fastifyMultipart from '@fastify/multipart';
import type { DynamicModule, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

export const SIM_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

export interface CreateSimulatorAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * Creates (but does not start) the simulator's Nest application on Fastify, with every request
 * body delivered as the raw string so calls are recorded byte-for-byte.
 */
export async function createWechatSimulatorApp(
  rootModule: Type<unknown> | DynamicModule,
  options: CreateSimulatorAppOptions = {},
): Promise<NestFastifyApplication> {
  // Media is registered as base64 JSON: room for a 20 MiB video.
  const adapter = new FastifyAdapter({ bodyLimit: SIM_BODY_LIMIT_BYTES });
  registerRawBodyParser(adapter.getInstance());
  // Multipart for /cgi-bin/media/upload only: it parses its parts itself; loaded when Nest initialises.
  void adapter.getInstance().register(fastifyMultipart);
  // bodyParser: false keeps Nest from installing its JSON parser over ours.
  return NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bodyParser: false,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

/**
 * WeChat ignores the Content-Type and parses the body itself (answering 47001 on bad JSON), so the
 * simulator must see the untouched text of every body, whatever its declared type.
 */
export function registerRawBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, Buffer.isBuffer(body) ? body.toString('utf8') : body);
  });
}
