/** TypeORM's query() answers an UPDATE or DELETE on PostgreSQL with [rows, affectedCount]. */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') {
    return result[1];
  }
  throw new Error('Unexpected result shape for an UPDATE or DELETE');
}

/** The rows an UPDATE … RETURNING answered (see affectedRows). */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  throw new Error('Unexpected result shape for an UPDATE … RETURNING');
}
