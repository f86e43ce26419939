export { AppConfig, NODE_ENVIRONMENTS, type NodeEnvironment } from './app-config';
export { ConfigModule } from './config.module';
export { ConfigValidationError, loadConfig } from './load-config';
export { secretBoxFromConfig, secretBoxProvider } from './secret-box.provider';
