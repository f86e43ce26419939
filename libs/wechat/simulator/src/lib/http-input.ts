import { HttpException, HttpStatus } from '@nestjs/common';

import { isRecord } from './accounts';
import type { QueryParams } from './wechat-api.service';

/** WeChat answers JSON with this exact content type. */
export const WECHAT_JSON_CONTENT_TYPE = 'application/json; encoding=utf-8';

/**
 * The simulator's body parser hands every body over as the raw UTF-8 string (see
 * `registerRawBodyParser`); a request without a body has none.
 */
export function rawBodyOf(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

/** First value of each query parameter, as WeChat reads them. */
export function queryParamsOf(query: unknown): QueryParams {
  const params: QueryParams = {};
  if (!isRecord(query)) {
    return params;
  }
  for (const [name, value] of Object.entries(query)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') {
      params[name] = first;
    }
  }
  return params;
}

/** The product's error shape (docs/api.md) for the control API. */
export function controlError(
  status: HttpStatus,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): HttpException {
  return new HttpException({ error: { code, message, details } }, status);
}

/** Parses a control-API JSON body, answering 400 when it is not a JSON object. */
export function jsonObjectOf(body: unknown): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(rawBodyOf(body));
    if (isRecord(parsed)) {
      return parsed;
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw controlError(HttpStatus.BAD_REQUEST, 'INVALID_JSON', 'body must be a JSON object');
}

export function isTruthyFlag(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}
