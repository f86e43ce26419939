import { HttpException, HttpStatus } from '@nestjs/common';

export type ErrorDetails = Record<string, unknown>;

/** The body every error answer has (docs/api.md). */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetails };
}

/** An expected failure with its public code; the filter turns it into the error body as it is. */
export class DeskError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message, status);
    this.name = 'DeskError';
  }
}

/** The failures shared by several use cases, so their codes and words stay the same everywhere. */
export const DeskErrors = {
  notFound: (resource: string, id: string): DeskError =>
    new DeskError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${resource} ${id} does not exist`, {
      resource,
      id,
    }),

  unauthenticated: (message = 'This needs an "Authorization: Bearer <token>" header'): DeskError =>
    new DeskError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', message),

  forbidden: (message: string): DeskError =>
    new DeskError(HttpStatus.FORBIDDEN, 'FORBIDDEN', message),

  validationFailed: (fields: Record<string, string[]>): DeskError =>
    new DeskError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'VALIDATION_FAILED',
      'The request is not valid',
      { fields },
    ),

  departmentsNotFound: (departmentIds: readonly string[]): DeskError =>
    new DeskError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'DEPARTMENT_NOT_FOUND',
      departmentIds.length === 1
        ? `Department ${departmentIds[0]} does not exist`
        : `Departments ${departmentIds.join(', ')} do not exist`,
      { departmentIds: [...departmentIds] },
    ),
};
