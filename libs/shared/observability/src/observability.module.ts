import { DynamicModule, Global, Module } from '@nestjs/common';

import { HealthController, HealthRegistry } from './health';
import { MetricsController, MetricsRegistry } from './metrics';

@Global()
@Module({})
export class ObservabilityModule {
  static forService(service: string): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: MetricsRegistry, useValue: new MetricsRegistry(service) },
      ],
      exports: [HealthRegistry, MetricsRegistry],
    };
  }
}
