import {
  BadRequestException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';

import { DeskError } from './desk-error';
import { toErrorResponse } from './error-response';

describe(toErrorResponse.name, () => {
  it('answers a DeskError with its own status, code, message and details', () => {
    const error = new DeskError(HttpStatus.CONFLICT, 'DUPLICATE_APP_ID', 'taken', { appId: 'wx1' });
    expect(toErrorResponse(error)).toEqual({
      status: 409,
      body: { error: { code: 'DUPLICATE_APP_ID', message: 'taken', details: { appId: 'wx1' } } },
    });
  });

  it('answers 503 DATABASE_UNAVAILABLE when no database connection can be had, leaking nothing', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const starting = Object.assign(new Error('the database system is starting up'), {
      code: '57P03',
    });
    for (const error of [new Error('timeout exceeded when trying to connect'), refused, starting]) {
      expect(toErrorResponse(error)).toEqual({
        status: 503,
        body: {
          error: {
            code: 'DATABASE_UNAVAILABLE',
            message: 'The database is busy or unreachable; please try again shortly',
            details: {},
          },
        },
      });
    }
    const redisRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(toErrorResponse(redisRefused).status).toBe(500);
  });

  it('maps an unknown route (Nest NotFoundException) to 404 NOT_FOUND', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /api/v1/nope'))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /api/v1/nope', details: {} } },
    });
  });

  it('names other HTTP errors after their status (e.g. from Fastify)', () => {
    expect(toErrorResponse(new HttpException('Body is not valid JSON', 400)).body.error.code).toBe(
      'BAD_REQUEST',
    );
    expect(toErrorResponse(new PayloadTooLargeException()).body.error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Payload Too Large',
      details: {},
    });
    expect(toErrorResponse(new HttpException('x', 401)).body.error.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the problems of a Nest validation message list as details', () => {
    const response = toErrorResponse(new BadRequestException(['name must be a string']));
    expect(response.body.error).toEqual({
      code: 'BAD_REQUEST',
      message: 'Bad request',
      details: { problems: ['name must be a string'] },
    });
  });

  it('keeps extra fields of an object response (readiness checks) as details', () => {
    const response = toErrorResponse(
      new HttpException(
        { status: 'not-ready', checks: { postgres: 'down' } },
        HttpStatus.SERVICE_UNAVAILABLE,
      ),
    );
    expect(response).toEqual({
      status: 503,
      body: {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'Service unavailable',
          details: { status: 'not-ready', checks: { postgres: 'down' } },
        },
      },
    });
  });

  it('answers unexpected errors with 500 INTERNAL and nothing of the error', () => {
    const response = toErrorResponse(
      new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'),
    );
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(response)).not.toMatch(/ECONNREFUSED|hunter2/);
    expect(toErrorResponse('a string').status).toBe(500);
    expect(toErrorResponse(undefined).status).toBe(500);
  });

  it('does not repeat the words of a deliberate 5xx', () => {
    const response = toErrorResponse(new InternalServerErrorException('pool exhausted at db-3'));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response)).not.toContain('db-3');
  });
});
