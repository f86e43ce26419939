import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import { ChannelUpdatedV1, RoutingKeys } from '@wechat-desk/contracts';
import { ChannelDirectory } from '@wechat-desk/shared/channel-directory';

@Controller()
export class ChannelEventsController {
  constructor(@Inject(ChannelDirectory) private readonly directory: ChannelDirectory) {}

  @EventPattern(RoutingKeys.channelUpdated)
  async handleChannelUpdated(@Payload() event: ChannelUpdatedV1): Promise<void> {
    await this.directory.apply(event);
  }
}
