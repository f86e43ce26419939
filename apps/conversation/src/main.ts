import 'reflect-metadata';

import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'conversation',
  module: AppModule,
  port: (config) => config.CONVERSATION_PORT,
  consume: true,
});
