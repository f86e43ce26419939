import { randomBytes } from 'node:crypto';

import { Module, type INestApplication } from '@nestjs/common';

import { deskEntities, deskMigrations } from '@wechat-desk/desk/data-access';
import { blobStoreMigrations } from '@wechat-desk/shared/blob-store';
import { ConfigModule, loadConfig } from '@wechat-desk/shared/config';
import { connectConsumer, MessagingModule } from '@wechat-desk/shared/messaging';
import { ObservabilityModule, runService } from '@wechat-desk/shared/observability';
import { migrateAll, PersistenceModule } from '@wechat-desk/shared/persistence';
import {
  createTestDatabase,
  createTestNamespace,
  deleteNamespace,
  TEST_RABBITMQ_URL,
  TEST_RETRY_DELAYS_MS,
} from '@wechat-desk/shared/testing';

import { configureDeskApi } from '../configure-desk-api';
import { DeskFeatureModule } from '../desk-feature.module';

/** What apps/desk-api/src/app.module.ts wires (an app cannot be imported from a lib). */
@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('desk-api'),
    PersistenceModule.forService({
      schema: 'desk',
      entities: deskEntities,
      migrations: deskMigrations,
      applicationName: 'desk-api-test',
    }),
    MessagingModule.forService({ service: 'desk-api', outbox: true }),
    DeskFeatureModule,
  ],
})
class DeskApiTestModule {}

export interface RunningDeskApi {
  app: INestApplication;
  baseUrl: string;
  databaseUrl: string;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * The real desk-api in this process on port 0, with its own database (migrated) and RabbitMQ
 * namespace; `stop()` closes it and removes both.
 */
export async function startDeskApi(options: {
  label: string;
  env?: NodeJS.ProcessEnv;
  /** Also consume desk-api's queue (the projection handlers). */
  consume?: boolean;
}): Promise<RunningDeskApi> {
  const database = await createTestDatabase(options.label);
  const namespace = createTestNamespace(options.label);
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    MESSAGING_NAMESPACE: namespace,
    RABBITMQ_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
    MASTER_KEY: randomBytes(32).toString('hex'),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    ...options.env,
  });
  await migrateAll(database.url, [
    { schema: 'desk', migrations: deskMigrations },
    // Attachments' bytes (BlobStore) live in the shared blobs schema.
    { schema: 'blobs', migrations: blobStoreMigrations },
  ]);
  const app = await runService({
    service: 'desk-api',
    module: DeskApiTestModule,
    config: loadConfig(),
    port: 0,
    configure: (nestApp) => {
      configureDeskApi(nestApp);
      if (options.consume === true) {
        connectConsumer(nestApp);
      }
    },
  });
  return {
    app,
    baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    databaseUrl: database.url,
    namespace,
    stop: async () => {
      await app.close();
      await database.drop();
      await deleteNamespace(TEST_RABBITMQ_URL, namespace, TEST_RETRY_DELAYS_MS);
    },
  };
}
