import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { singleStrings } from './query-params';
import { VerifyCallbackUrl } from './verify-callback-url/verify-callback-url';

/**
 * WeChat's URL check. Its pushes (POST) go to a route on Fastify directly: see wechat-push.route.ts.
 * Bodies are plain text: WeChat reads `echostr`, nothing else.
 */
@Controller('wechat')
export class WechatCallbackController {
  constructor(@Inject(VerifyCallbackUrl) private readonly verifyCallbackUrl: VerifyCallbackUrl) {}

  @Get(':channelId')
  verify(
    @Param('channelId') channelId: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): void {
    const outcome = this.verifyCallbackUrl.execute(
      channelId,
      singleStrings(query, ['signature', 'timestamp', 'nonce', 'echostr']),
    );
    void reply.status(outcome.status).type('text/plain').send(outcome.body);
  }
}
