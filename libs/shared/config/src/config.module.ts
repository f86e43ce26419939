import { Global, Module } from '@nestjs/common';

import { AppConfig } from './app-config';
import { loadConfig } from './load-config';

/** Makes the validated AppConfig injectable everywhere; validation happens once, at boot. */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: (): AppConfig => loadConfig() }],
  exports: [AppConfig],
})
export class ConfigModule {}
