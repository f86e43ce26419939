import type { MigrationInterface, QueryRunner } from 'typeorm';

import { channelDirectoryTableSql } from '@wechat-desk/shared/channel-directory';
import { outboxTableSql } from '@wechat-desk/shared/persistence';

export class IngressInitial1764030000000 implements MigrationInterface {
  name = 'IngressInitial1764030000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(channelDirectoryTableSql('ingress'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ingress.channels');
  }
}

/**
 * The fallback spool: pushes accepted while RabbitMQ could not confirm them, relayed in order of
 * arrival by the outbox relay once it can.
 */
export class IngressSpool1764100000000 implements MigrationInterface {
  name = 'IngressSpool1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(outboxTableSql('ingress'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ingress.outbox');
  }
}

export const ingressMigrations = [IngressInitial1764030000000, IngressSpool1764100000000];
