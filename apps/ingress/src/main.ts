import 'reflect-metadata';

import { configureIngress } from '@wechat-desk/ingress/feature';
import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'ingress',
  module: AppModule,
  port: (config) => config.INGRESS_PORT,
  consume: true,
  configure: configureIngress,
});
