import { ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';

import { DeskError, DeskErrors } from './desk-error';

/** `{ "departmentIds.0": ["must be a UUID"] }`: one entry per field, nested paths dotted. */
export function fieldProblems(
  errors: readonly ValidationError[],
  path = '',
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const error of errors) {
    const field = path === '' ? error.property : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {});
    if (own.length > 0) {
      problems[field === '' ? 'body' : field] = own;
    }
    Object.assign(problems, fieldProblems(error.children ?? [], field));
  }
  return problems;
}

export function validationFailed(errors: readonly ValidationError[]): DeskError {
  return DeskErrors.validationFailed(fieldProblems(errors));
}

const HTTP_ARGUMENTS = new Set<string>(['body', 'query', 'param']);

/**
 * Strict request validation (unknown fields refused, values transformed to their DTO types),
 * answering 422 VALIDATION_FAILED. Message payloads are skipped: the transport already validated
 * them against their contract.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationFailed(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!HTTP_ARGUMENTS.has(metadata.type)) {
      return value;
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}
