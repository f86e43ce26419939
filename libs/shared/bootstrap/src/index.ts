export { startService, type StartServiceOptions } from './start-service';
