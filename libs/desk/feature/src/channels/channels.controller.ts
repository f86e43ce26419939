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
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ChannelRepository } from '@wechat-desk/desk/data-access';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { DeskError, DeskErrors } from '../common/desk-error';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import type { AgentChannelView, ChannelView } from './channel.view';
import { readChannelForm } from './create-channel/channel-form';
import { CreateChannel } from './create-channel/create-channel';
import { GetChannels } from './get-channels/get-channels';
import { UpdateChannel } from './update-channel/update-channel';
import { UpdateChannelDto } from './update-channel/update-channel.dto';

const channelId = new UuidParamPipe('Channel');

/** Reads are scoped per caller (agents see their associated channels); changes are admins'. */
@Controller('channels')
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
  async create(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Req() request: FastifyRequest,
  ): Promise<ChannelView> {
    return this.createChannel.execute(admin.id, await readChannelForm(request));
  }

  @Get()
  list(
    @CurrentAgent() caller: AuthenticatedAgent,
  ): Promise<{ items: Array<ChannelView | AgentChannelView> }> {
    return this.getChannels.all(caller);
  }

  @Get(':id')
  get(
    @CurrentAgent() caller: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView | AgentChannelView> {
    return this.getChannels.one(caller, id);
  }

  @Patch(':id')
  @Roles('admin')
  edit(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
    @Body() body: UpdateChannelDto,
  ): Promise<ChannelView> {
    return this.updateChannel.edit(admin.id, id, body);
  }

  @Post(':id/disable')
  @Roles('admin')
  @HttpCode(200)
  disable(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.setEnabled(admin.id, id, false);
  }

  @Post(':id/enable')
  @Roles('admin')
  @HttpCode(200)
  enable(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.setEnabled(admin.id, id, true);
  }

  @Post(':id/rotate-aes-key')
  @Roles('admin')
  @HttpCode(200)
  rotateAesKey(
    @CurrentAgent() admin: AuthenticatedAgent,
    @Param('id', channelId) id: string,
  ): Promise<ChannelView> {
    return this.updateChannel.rotateAesKey(admin.id, id);
  }

  /** The icon's bytes with the type found in them (the channel's iconUrl). */
  @Get(':id/icon')
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
