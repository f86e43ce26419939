import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { queryParamsOf, rawBodyOf } from '../http-input';
import { WechatMassApiService } from '../wechat-mass-api.service';
import { wechatJson } from './wechat-api.controller';

/** WeChat's tag and mass-message endpoints: HTTP 200 with WeChat's JSON, errors included. */
@Controller('cgi-bin')
export class WechatMassApiController {
  constructor(private readonly api: WechatMassApiService) {}

  @Post('tags/create')
  @HttpCode(200)
  createTag(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.createTag(queryParamsOf(q), rawBodyOf(b)));
  }

  @Get('tags/get')
  getTags(@Query() q: unknown, @Res({ passthrough: true }) r: FastifyReply): string {
    return wechatJson(r, this.api.getTags(queryParamsOf(q)));
  }

  @Post('tags/delete')
  @HttpCode(200)
  deleteTag(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.deleteTag(queryParamsOf(q), rawBodyOf(b)));
  }

  @Post('tags/members/batchtagging')
  @HttpCode(200)
  tag(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.tagging(queryParamsOf(q), rawBodyOf(b), true));
  }

  @Post('tags/members/batchuntagging')
  @HttpCode(200)
  untag(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.tagging(queryParamsOf(q), rawBodyOf(b), false));
  }

  @Post('tags/getidlist')
  @HttpCode(200)
  tagsOfUser(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.tagsOfUser(queryParamsOf(q), rawBodyOf(b)));
  }

  @Post('user/tag/get')
  @HttpCode(200)
  tagMembers(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.tagMembers(queryParamsOf(q), rawBodyOf(b)));
  }

  @Post('message/mass/sendall')
  @HttpCode(200)
  sendAll(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.sendAll(queryParamsOf(q), rawBodyOf(b)));
  }

  @Post('message/mass/send')
  @HttpCode(200)
  massSend(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.massSend(queryParamsOf(q), rawBodyOf(b)));
  }

  @Post('message/mass/get')
  @HttpCode(200)
  massGet(
    @Query() q: unknown,
    @Body() b: unknown,
    @Res({ passthrough: true }) r: FastifyReply,
  ): string {
    return wechatJson(r, this.api.massGet(queryParamsOf(q), rawBodyOf(b)));
  }
}
