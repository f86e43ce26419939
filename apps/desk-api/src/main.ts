import 'reflect-metadata';

import { configureDeskApi } from '@wechat-desk/desk/feature';
import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'desk-api',
  module: AppModule,
  port: (config) => config.DESK_API_PORT,
  consume: true,
  configure: configureDeskApi,
});
