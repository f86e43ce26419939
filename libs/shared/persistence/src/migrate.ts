import { Client } from 'pg';
import type { MigrationInterface } from 'typeorm';

import { createServiceDataSource, type ServiceSchema } from './data-source';
import { ensureDatabaseExists } from './database';

export interface ServiceMigrations {
  schema: ServiceSchema;
  migrations: Array<new () => MigrationInterface>;
}

const MIGRATION_LOCK = 7_310_482_113;

/**
 * Creates the database if needed, then runs every service's migrations in its own schema, under an
 * advisory lock so replicas starting together do not race. Returns the names of applied migrations.
 */
export async function migrateAll(
  databaseUrl: string,
  services: ServiceMigrations[],
): Promise<string[]> {
  await ensureDatabaseExists(databaseUrl);
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  const applied: string[] = [];
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    for (const service of services) {
      await lock.query(`CREATE SCHEMA IF NOT EXISTS "${service.schema}"`);
      const dataSource = createServiceDataSource({
        databaseUrl,
        schema: service.schema,
        entities: [],
        migrations: service.migrations,
        applicationName: 'wechat-desk-migrate',
        poolSize: 1,
      });
      await dataSource.initialize();
      try {
        const ran = await dataSource.runMigrations({ transaction: 'each' });
        applied.push(...ran.map((migration) => `${service.schema}: ${migration.name}`));
      } finally {
        await dataSource.destroy();
      }
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
  return applied;
}
