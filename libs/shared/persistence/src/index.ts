export { createServiceDataSource, SERVICE_SCHEMAS, type ServiceSchema } from './data-source';
export { dropDatabase, ensureDatabaseExists } from './database';
export { DatabaseProbe } from './database-probe';
export { migrateAll, type ServiceMigrations } from './migrate';
export { enqueueEvents, outboxNotifyChannel, outboxTableSql } from './outbox';
export {
  PersistenceModule,
  SERVICE_SCHEMA,
  type PersistenceModuleOptions,
} from './persistence.module';
export {
  PgNotificationListener,
  type PgNotificationListenerOptions,
} from './pg-notification-listener';
export { affectedRows, returnedRows } from './query-results';
