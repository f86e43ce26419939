import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

/**
 * One transaction across several repositories (a projection, its assignment and its live events):
 * use cases pass the manager on to repository methods and never query with it themselves.
 */
@Injectable()
export class DeskTransactions {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Statements that each commit on their own, for work that must hold no lock for long. */
  get autocommit(): EntityManager {
    return this.dataSource.manager;
  }

  /** Events published once the transaction commits (desk's transactional outbox). */
  async enqueue(manager: EntityManager, events: readonly EventEnvelope[]): Promise<void> {
    await enqueueEvents(manager, 'desk', events);
  }
}
