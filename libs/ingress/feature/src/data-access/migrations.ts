import type { MigrationInterface, QueryRunner } from 'typeorm';

import { channelDirectoryTableSql } from '@wechat-desk/shared/channel-directory';

export class IngressInitial1764030000000 implements MigrationInterface {
  name = 'IngressInitial1764030000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(channelDirectoryTableSql('ingress'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ingress.channels');
  }
}

export const ingressMigrations = [IngressInitial1764030000000];
