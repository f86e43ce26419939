import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { queryParamsOf, rawBodyOf, WECHAT_JSON_CONTENT_TYPE } from '../http-input';
import { WechatApiService, type WechatResponse } from '../wechat-api.service';

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
}

/**
 * Serialises here and sets WeChat's exact content type. The identity reply serializer matters:
 * without one, Fastify rewrites a JSON content type lacking `charset` (it quotes the parameter and
 * appends `; charset=utf-8`), and WeChat's header is part of what is simulated.
 */
function wechatJson(reply: FastifyReply, response: WechatResponse): string {
  reply.header('Content-Type', WECHAT_JSON_CONTENT_TYPE).serializer((payload: string) => payload);
  return JSON.stringify(response);
}
