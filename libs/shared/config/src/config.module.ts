import { Global, Module } from '@nestjs/common';

import { SecretBox } from '@wechat-desk/shared/util';

import { AppConfig } from './app-config';
import { loadConfig } from './load-config';
import { secretBoxProvider } from './secret-box.provider';

/** Makes the validated AppConfig injectable everywhere; validation happens once, at boot. */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: (): AppConfig => loadConfig() }, secretBoxProvider],
  exports: [AppConfig, SecretBox],
})
export class ConfigModule {}
