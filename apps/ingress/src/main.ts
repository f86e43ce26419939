import 'reflect-metadata';

import { startService } from '@wechat-desk/shared/bootstrap';

import { AppModule } from './app.module';

startService({
  service: 'ingress',
  module: AppModule,
  port: (config) => config.INGRESS_PORT,
  consume: true,
  configure: (app) => {
    // WeChat's XML must reach the handler as the exact text that was signed. Bodies over 1 MiB
    // are refused with 413 by Fastify's body limit before they are read whole.
    app
      .getHttpAdapter()
      .getInstance()
      .addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  },
});
