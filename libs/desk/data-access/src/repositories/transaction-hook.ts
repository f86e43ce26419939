import type { EntityManager } from 'typeorm';

/**
 * Work a caller adds to a repository's transaction (the audit entry of an admin change): it
 * commits with the change or not at all.
 */
export type TransactionHook<T> = (manager: EntityManager, value: T) => Promise<void>;

/** Before and after of a changed row. */
export interface Change<T> {
  before: T;
  after: T;
}
