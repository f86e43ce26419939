import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { singleStrings } from '../query-params';
import { PUSH_QUERY_KEYS } from './push-verification';
import { ReceivePush } from './receive-push';

/**
 * `POST /wechat/:channelId`, registered on Fastify directly rather than through a Nest controller:
 * Nest's router costs about 35 µs a request, a tenth of a push's whole CPU (measured with
 * `npm run bench:ingress`), and this is the one route where that matters. The body is plain text:
 * WeChat reads `success` and nothing else.
 */
export function registerWechatPushRoute(app: NestFastifyApplication): void {
  const receivePush = app.get(ReceivePush);
  app
    .getHttpAdapter()
    .getInstance()
    .post<{ Params: { channelId: string }; Querystring: Record<string, unknown> }>(
      '/wechat/:channelId',
      async (request, reply) => {
        const outcome = await receivePush.execute(
          request.params.channelId,
          singleStrings(request.query, PUSH_QUERY_KEYS),
          typeof request.body === 'string' ? request.body : '',
        );
        return reply.status(outcome.status).type('text/plain').send(outcome.body);
      },
    );
}
