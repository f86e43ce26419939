import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiProduces,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ChannelRepository } from '@wechat-desk/desk/data-access';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { DeskError, DeskErrors } from '../common/desk-error';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiDeskErrors } from '../openapi/api-errors';
import {
  AgentChannelDoc,
  ChannelDoc,
  type AgentChannelView,
  type ChannelView,
} from './channel.view';
import { readChannelForm } from './create-channel/channel-form';
import { CreateChannel } from './create-channel/create-channel';
import { CreateChannelFormDoc } from './create-channel/create-channel.dto';
import { GetChannels } from './get-channels/get-channels';
import { UpdateChannel } from './update-channel/update-channel';
import { UpdateChannelDto } from './update-channel/update-channel.dto';

const channelId = new UuidParamPipe('Channel');

/** An admin sees a Channel, an agent an AgentChannel. */
const channelForCaller = {
  oneOf: [{ $ref: getSchemaPath(ChannelDoc) }, { $ref: getSchemaPath(AgentChannelDoc) }],
};
const notFound = [404, 'NOT_FOUND: no such channel, or not one of the agent’s'] as const;

/** Reads are scoped per caller (agents see their associated channels); changes are admins'. */
@Controller('channels')
@ApiExtraModels(ChannelDoc, AgentChannelDoc)
@ApiDeskErrors(401)
export class ChannelsController {
  constructor(
    @Inject(CreateChannel) private readonly createChannel: CreateChannel,
    @Inject(GetChannels) private readonly getChannels: GetChannels,
    @Inject(UpdateChannel) private readonly updateChannel: UpdateChannel,
    @Inject(ChannelRepository) private readonly channels: ChannelRepository,
  ) {}

  /** multipart/form-data (text fields and the `icon` file) or JSON (no icon). */
  @Post()
  @Roles('admin')
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    type: CreateChannelFormDoc,
    description: 'multipart/form-data with an optional `icon` file, or JSON without it',
  })
  @ApiCreatedResponse({ type: ChannelDoc })
  @ApiDeskErrors(
    403,
    [409, 'DUPLICATE_APP_ID: a channel for this AppID exists'],
    [
      422,
      'VALIDATION_FAILED, DEPARTMENT_NOT_FOUND, ICON_INVALID, ICON_TOO_LARGE, or ' +
        'WECHAT_CREDENTIALS_REJECTED (details: WeChat errcode, a hint, egress IPs for 40164)',
    ],
    502,
  )
  async create(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Req() request: FastifyRequest,
  ): Promise<ChannelView> {
    return this.createChannel.execute(admin.id, await readChannelForm(request));
  }

  @Get()
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: channelForCaller } },
    },
  })
  list(
    @CurrentAgent() caller: AuthenticatedAgent,
  ): Promise<{ items: Array<ChannelView | AgentChannelView> }> {
    return this.getChannels.all(caller);
  }

  @Get(':id')
  @ApiOkResponse({ schema: channelForCaller })
  @ApiDeskErrors(notFound)
  get(
    @CurrentAgent() caller: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView | AgentChannelView> {
    return this.getChannels.one(caller, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelDoc })
  @ApiDeskErrors(
    403,
    notFound,
    [
      422,
      'VALIDATION_FAILED, DEPARTMENT_NOT_FOUND, or WECHAT_CREDENTIALS_REJECTED for a new AppSecret',
    ],
    502,
  )
  edit(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
    @Body() body: UpdateChannelDto,
  ): Promise<ChannelView> {
    return this.updateChannel.edit(admin.id, id, body);
  }

  @Post(':id/disable')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelDoc })
  @ApiDeskErrors(403, notFound)
  @HttpCode(200)
  disable(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.setEnabled(admin.id, id, false);
  }

  @Post(':id/enable')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelDoc })
  @ApiDeskErrors(403, notFound)
  @HttpCode(200)
  enable(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.setEnabled(admin.id, id, true);
  }

  @Post(':id/rotate-aes-key')
  @Roles('admin')
  @ApiOkResponse({ type: ChannelDoc })
  @ApiDeskErrors(403, notFound)
  @HttpCode(200)
  rotateAesKey(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.rotateAesKey(admin.id, id);
  }

  /** The icon's bytes with the type found in them (the channel's iconUrl). */
  @Get(':id/icon')
  @ApiProduces('image/png', 'image/jpeg')
  @ApiOkResponse({ description: "The icon's bytes", schema: { type: 'string', format: 'binary' } })
  @ApiDeskErrors([404, 'NOT_FOUND: no such channel, not visible to the caller, or no icon'])
  async icon(
    @CurrentAgent() caller: AuthenticatedAgent,
    @Param('id', channelId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    await this.getChannels.requireVisible(caller, id);
    const icon = await this.channels.findIcon(id);
    if (icon === null) {
      throw (await this.channels.findById(id)) === null
        ? DeskErrors.notFound('Channel', id)
        : new DeskError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `Channel ${id} has no icon`, {
            resource: 'ChannelIcon',
            id,
          });
    }
    reply
      .header('Content-Type', icon.mimeType)
      .header('Content-Length', String(icon.bytes.length))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'private, no-cache');
    return icon.bytes;
  }
}
