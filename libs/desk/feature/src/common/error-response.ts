import { HttpException, HttpStatus } from '@nestjs/common';

import { DeskError, type ErrorBody, type ErrorDetails } from './desk-error';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/** Codes that read better than the status names (the rest use HttpStatus' names). */
const CODE_BY_STATUS: Partial<Record<number, string>> = {
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'VALIDATION_FAILED',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'INTERNAL',
};

const INTERNAL: ErrorResponse = {
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  body: {
    error: {
      code: 'INTERNAL',
      message: 'Something went wrong on our side; please try again',
      details: {},
    },
  },
};

const DATABASE_UNAVAILABLE: ErrorResponse = {
  status: HttpStatus.SERVICE_UNAVAILABLE,
  body: {
    error: {
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is busy or unreachable; please try again shortly',
      details: {},
    },
  },
};

/** No connection to be had (pool exhausted past its wait, or refused): worth retrying, not a bug. */
function isDatabaseUnavailable(exception: unknown): boolean {
  if (!(exception instanceof Error)) {
    return false;
  }
  const code = (exception as Error & { code?: unknown }).code;
  return (
    exception.message === 'timeout exceeded when trying to connect' ||
    (code === 'ECONNREFUSED' && /5432|postgres/i.test(exception.message)) ||
    code === '57P03' // the database is starting up
  );
}

function codeForStatus(status: number): string {
  const name: unknown = HttpStatus[status];
  return CODE_BY_STATUS[status] ?? (typeof name === 'string' ? name : `HTTP_${status}`);
}

const SERVICE_UNAVAILABLE: number = HttpStatus.SERVICE_UNAVAILABLE;

/** The fields Nest puts in its own exceptions' bodies; the error body carries them its own way. */
const NEST_STANDARD_FIELDS = ['statusCode', 'error', 'message'];

/** SERVICE_UNAVAILABLE → "Service unavailable". */
function statusWords(status: number): string {
  const name: unknown = HttpStatus[status];
  if (typeof name !== 'string') {
    return `HTTP error ${status}`;
  }
  const words = name.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Nest's own exceptions answer `{statusCode, message, error}`; anything else they carry is a detail. */
function fromHttpException(exception: HttpException): ErrorResponse {
  const status = exception.getStatus();
  if (status >= 500 && status !== SERVICE_UNAVAILABLE) {
    // A 5xx raised on purpose still gets the generic words: its message may describe internals.
    // 503 (readiness) keeps its details: which dependency is down is what an operator needs.
    return { status, body: { error: { ...INTERNAL.body.error, code: codeForStatus(status) } } };
  }
  const response = exception.getResponse();
  let message = statusWords(status);
  let details: ErrorDetails = {};
  if (typeof response === 'string') {
    message = response;
  } else if (typeof response === 'object' && response !== null) {
    const rest: Record<string, unknown> = { ...response };
    const responseMessage = rest['message'];
    for (const standardField of NEST_STANDARD_FIELDS) {
      delete rest[standardField];
    }
    if (typeof responseMessage === 'string') {
      message = responseMessage;
    } else if (Array.isArray(responseMessage)) {
      details = { problems: responseMessage };
    }
    details = { ...details, ...rest };
  }
  return { status, body: { error: { code: codeForStatus(status), message, details } } };
}

/** Pure mapping from anything thrown to the public error answer; unknown errors leak nothing. */
export function toErrorResponse(exception: unknown): ErrorResponse {
  if (exception instanceof DeskError) {
    return {
      status: exception.getStatus(),
      body: {
        error: { code: exception.code, message: exception.message, details: exception.details },
      },
    };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  return isDatabaseUnavailable(exception) ? DATABASE_UNAVAILABLE : INTERNAL;
}
