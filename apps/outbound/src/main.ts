import 'reflect-metadata';

import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'outbound',
  module: AppModule,
  port: (config) => config.OUTBOUND_PORT,
  consume: true,
});
