import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';

import { Roles } from '../common/auth/auth.decorators';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import type { ChannelView } from './channel.view';
import { CreateChannel } from './create-channel/create-channel';
import { CreateChannelDto } from './create-channel/create-channel.dto';
import { GetChannels } from './get-channels/get-channels';

@Controller('channels')
@Roles('admin')
export class ChannelsController {
  constructor(
    @Inject(CreateChannel) private readonly createChannel: CreateChannel,
    @Inject(GetChannels) private readonly getChannels: GetChannels,
  ) {}

  @Post()
  create(@Body() body: CreateChannelDto): Promise<ChannelView> {
    return this.createChannel.execute({ ...body, icon: null });
  }

  @Get()
  list(): Promise<{ items: ChannelView[] }> {
    return this.getChannels.all();
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe('Channel')) id: string): Promise<ChannelView> {
    return this.getChannels.one(id);
  }
}
