import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { registerWechatPushRoute } from './receive-push/wechat-push.route';

/**
 * WeChat's XML must reach the handler as the exact text that was signed, whatever content type a
 * client claims. Bodies over the limit (1 MiB) are refused with 413 by Fastify before they are
 * read whole: at once from Content-Length, or as soon as a chunked body passes the limit.
 */
export function configureIngress(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  registerWechatPushRoute(app);
}
