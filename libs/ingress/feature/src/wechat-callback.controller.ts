import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { singleStrings } from './query-params';
import { ReceivePush } from './receive-push/receive-push';
import { VerifyCallbackUrl } from './verify-callback-url/verify-callback-url';

/** What WeChat calls. Bodies are plain text: WeChat reads `success` or `echostr`, nothing else. */
@Controller('wechat')
export class WechatCallbackController {
  constructor(
    @Inject(ReceivePush) private readonly receivePush: ReceivePush,
    @Inject(VerifyCallbackUrl) private readonly verifyCallbackUrl: VerifyCallbackUrl,
  ) {}

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

  @Post(':channelId')
  async receive(
    @Param('channelId') channelId: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const outcome = await this.receivePush.execute(
      channelId,
      singleStrings(query, [
        'signature',
        'timestamp',
        'nonce',
        'openid',
        'encrypt_type',
        'msg_signature',
      ]),
      typeof body === 'string' ? body : '',
    );
    await reply.status(outcome.status).type('text/plain').send(outcome.body);
  }
}
