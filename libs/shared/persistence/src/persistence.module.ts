import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';

import { AppConfig } from '@wechat-desk/shared/config';
import { HealthRegistry } from '@wechat-desk/shared/observability';

import { createServiceDataSource, type ServiceSchema } from './data-source';
import { DatabaseProbe } from './database-probe';

export const SERVICE_SCHEMA = Symbol('SERVICE_SCHEMA');

export interface PersistenceModuleOptions {
  schema: ServiceSchema;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Array<Function | EntitySchema>;
  migrations: Array<new () => MigrationInterface>;
  applicationName: string;
}

@Injectable()
class DataSourceLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DatabaseProbe) private readonly probe: DatabaseProbe,
    @Optional() @Inject(HealthRegistry) private readonly health: HealthRegistry | null,
  ) {}

  onModuleInit(): void {
    this.health?.register('postgres', () => this.probe.answers());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }
}

/** The service's DataSource, in its own schema; only repositories should inject it. */
@Global()
@Module({})
export class PersistenceModule {
  static forService(options: PersistenceModuleOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: SERVICE_SCHEMA, useValue: options.schema },
        {
          provide: DataSource,
          inject: [AppConfig],
          useFactory: async (config: AppConfig): Promise<DataSource> => {
            const dataSource = createServiceDataSource({
              ...options,
              databaseUrl: config.DATABASE_URL,
            });
            return dataSource.initialize();
          },
        },
        {
          provide: DatabaseProbe,
          inject: [AppConfig],
          useFactory: (config: AppConfig) =>
            new DatabaseProbe(config.DATABASE_URL, options.applicationName),
        },
        DataSourceLifecycle,
      ],
      exports: [DataSource, SERVICE_SCHEMA],
    };
  }
}
