import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { EventEnvelope } from '@wechat-desk/contracts';
import { enqueueEvents } from '@wechat-desk/shared/persistence';

const SCHEMA = 'ingress';

/** The spool is the ingress schema's outbox table: the shared relay drains it. */
@Injectable()
export class PushSpoolRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Resolves once the pushes are committed (durable), in one transaction and in this order. */
  async addAll(envelopes: readonly EventEnvelope[]): Promise<void> {
    await this.dataSource.transaction((manager) => enqueueEvents(manager, SCHEMA, envelopes));
  }

  async depth(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ depth: number }>>(
      `SELECT count(*)::int AS depth FROM ${SCHEMA}.outbox`,
    );
    return row?.depth ?? 0;
  }
}
