import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse, ApiSchema } from '@nestjs/swagger';

import type { ErrorBody, ErrorDetails } from '../common/desk-error';

@ApiSchema({ name: 'Error', description: 'What went wrong, in a stable code and in words.' })
class ErrorDoc implements Omit<ErrorBody['error'], 'details'> {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'UPPER_SNAKE, stable' })
  code!: string;

  @ApiProperty({ example: 'The request is not valid' })
  message!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Facts about the failure (e.g. `fields` for VALIDATION_FAILED); `{}` if none',
  })
  details!: ErrorDetails;
}

/** The body of every error answer (docs/api.md). */
@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodyDoc implements ErrorBody {
  @ApiProperty({ type: () => ErrorDoc })
  error!: ErrorDoc;
}

/** What each status means on this API, with the codes it carries. */
const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed request (e.g. unparsable JSON)',
  401: 'UNAUTHENTICATED: no bearer token, or it is invalid or has expired',
  403: 'FORBIDDEN: the caller does not have the role this needs',
  404: "NOT_FOUND: it does not exist, or it is outside the caller's scope",
  409: 'The current state does not allow it',
  415: 'Unsupported content type',
  422: 'VALIDATION_FAILED (details.fields), or a rule of the use case',
  429: 'TOO_MANY_ATTEMPTS: too many failed sign-ins (see Retry-After)',
  502: 'WECHAT_UNREACHABLE: WeChat did not answer',
};

/**
 * Documents error answers with the shared ErrorBody schema: a status alone takes its usual
 * meaning, `[status, words]` names the codes this route gives.
 */
export function ApiDeskErrors(
  ...errors: Array<number | readonly [number, string]>
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...errors.map((error) => {
      const [status, description] =
        typeof error === 'number' ? [error, ERROR_DESCRIPTIONS[error] ?? `HTTP ${error}`] : error;
      return ApiResponse({ status, description, type: ErrorBodyDoc });
    }),
  );
}

/** Every route behind the bearer token; admin-only controllers add 403. */
export const ApiAuthenticated = (): MethodDecorator & ClassDecorator => ApiDeskErrors(401);
export const ApiAdminOnly = (): MethodDecorator & ClassDecorator => ApiDeskErrors(401, 403);
