import { QueryFailedError } from 'typeorm';

/** A unique constraint (named as in the migration) refused a row: the caller maps it to a 409. */
export class UniqueViolationError extends Error {
  override name = 'UniqueViolationError';

  constructor(readonly constraint: string) {
    super(`Unique constraint ${constraint} violated`);
  }
}

/** A referenced row does not exist (named constraint, as in the migration). */
export class ForeignKeyViolationError extends Error {
  override name = 'ForeignKeyViolationError';

  constructor(readonly constraint: string) {
    super(`Foreign key ${constraint} violated`);
  }
}

interface PgDriverError extends Error {
  code?: string;
  constraint?: string;
}

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** Turns PostgreSQL's constraint errors into typed ones; anything else is returned unchanged. */
export function translateConstraintError(error: unknown): unknown {
  if (!(error instanceof QueryFailedError)) {
    return error;
  }
  const driverError = error.driverError as PgDriverError;
  const constraint = driverError.constraint ?? 'unknown';
  switch (driverError.code) {
    case UNIQUE_VIOLATION:
      return new UniqueViolationError(constraint);
    case FOREIGN_KEY_VIOLATION:
      return new ForeignKeyViolationError(constraint);
    default:
      return error;
  }
}

/** Runs a write and rethrows constraint errors typed. */
export async function withConstraintErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateConstraintError(error);
  }
}
