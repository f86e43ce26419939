import 'reflect-metadata';

import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'ticketing',
  module: AppModule,
  port: (config) => config.TICKETING_PORT,
  consume: true,
});
