export { HealthController, HealthRegistry, type ReadinessCheck } from './health';
export { MetricsController, MetricsRegistry } from './metrics';
export { ObservabilityModule } from './observability.module';
export { createLogger, runService, type RunServiceOptions } from './run-service';
