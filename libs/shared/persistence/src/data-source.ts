import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';

export const SERVICE_SCHEMAS = [
  'ingress',
  'conversation',
  'ticketing',
  'outbound',
  'desk',
  // Not a service: the shared media store (libs/shared/blob-store), readable by every service.
  'blobs',
] as const;
export type ServiceSchema = (typeof SERVICE_SCHEMAS)[number];

export interface ServiceDataSourceOptions {
  databaseUrl: string;
  /** Each service owns one PostgreSQL schema; nobody writes another's. */
  schema: ServiceSchema;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Array<Function | EntitySchema>;
  migrations: Array<new () => MigrationInterface>;
  applicationName: string;
  poolSize?: number;
}

/** Schema is applied to every connection, so raw SQL and entities both land in the service's own. */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    applicationName: options.applicationName,
    extra: {
      max: options.poolSize ?? 10,
      options: `-c search_path=${options.schema},public`,
      connectionTimeoutMillis: 5_000,
    },
  });
}
