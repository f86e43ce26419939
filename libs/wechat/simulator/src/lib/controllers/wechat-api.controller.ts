import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { assertNever, sleep } from '@wechat-desk/shared/util';

import { queryParamsOf, rawBodyOf, WECHAT_JSON_CONTENT_TYPE } from '../http-input';
import { readUploadPart } from '../multipart-input';
import { WechatApiService, type WechatResponse } from '../wechat-api.service';
import { wechatError } from '../wechat-errors';

/** WeChat's own endpoints: always HTTP 200 with WeChat's JSON, errors included. */
@Controller('cgi-bin')
export class WechatApiController {
  constructor(private readonly api: WechatApiService) {}

  @Post('stable_token')
  @HttpCode(200)
  stableToken(
    @Query() query: unknown,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return wechatJson(
      reply,
      this.api.stableToken(queryParamsOf(query), rawBodyOf(body), request.ip),
    );
  }

  @Get('token')
  token(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return wechatJson(reply, this.api.classicToken(queryParamsOf(query), request.ip));
  }

  @Post('message/custom/send')
  @HttpCode(200)
  customSend(
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return wechatJson(reply, this.api.customSend(queryParamsOf(query), rawBodyOf(body)));
  }

  @Post('message/custom/typing')
  @HttpCode(200)
  customTyping(
    @Query() query: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    return wechatJson(reply, this.api.customTyping(queryParamsOf(query), rawBodyOf(body)));
  }

  /** multipart/form-data with the file in `media`. */
  @Post('media/upload')
  @HttpCode(200)
  async mediaUpload(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const file = await readUploadPart(request);
    return wechatJson(reply, this.api.mediaUpload(queryParamsOf(query), file));
  }

  /** Raw bytes with Content-Type and Content-disposition; a video as `{"video_url"}`; errors as JSON. */
  @Get('media/get')
  async mediaGet(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const answer = this.api.mediaGet(queryParamsOf(query), baseUrlOf(request));
    switch (answer.kind) {
      case 'json':
        return wechatJson(reply, answer.body);
      case 'bytes':
        reply
          .header('Content-Type', answer.contentType)
          .header('Content-disposition', `attachment; filename="${answer.fileName}"`);
        return answer.bytes;
      case 'http-500':
        reply.status(500).header('Content-Type', 'text/html');
        return '<html><body>500 Internal Server Error</body></html>';
      case 'timeout':
        // Holds the answer past the caller's deadline; whoever still listens gets "busy".
        await sleep(answer.delayMs);
        return wechatJson(reply, wechatError('systemBusy'));
      default:
        return assertNever(answer);
    }
  }
}

/** Where the caller reached us, so a video_url points back at this simulator. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;
}

/**
 * Serialises here and sets WeChat's exact content type. The identity reply serializer matters:
 * without one, Fastify rewrites a JSON content type lacking `charset` (it quotes the parameter and
 * appends `; charset=utf-8`), and WeChat's header is part of what is simulated.
 */
export function wechatJson(reply: FastifyReply, response: WechatResponse | object): string {
  reply.header('Content-Type', WECHAT_JSON_CONTENT_TYPE).serializer((payload: string) => payload);
  return JSON.stringify(response);
}
