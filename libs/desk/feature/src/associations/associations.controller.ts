import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { AgentChannels, type AgentChannelsView } from './agent-channels';
import { AgentChannelsDto } from './agent-channels.dto';

const departmentId = new UuidParamPipe('Department');
const agentId = new UuidParamPipe('Agent');

@Controller('departments/:departmentId/agents/:agentId/channels')
@Roles('admin')
export class AssociationsController {
  constructor(@Inject(AgentChannels) private readonly agentChannels: AgentChannels) {}

  @Get()
  get(
    @Param('departmentId', departmentId) department: string,
    @Param('agentId', agentId) agent: string,
  ): Promise<AgentChannelsView> {
    return this.agentChannels.get(department, agent);
  }

  @Put()
  replace(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('departmentId', departmentId) department: string,
    @Param('agentId', agentId) agent: string,
    @Body() body: AgentChannelsDto,
  ): Promise<AgentChannelsView> {
    return this.agentChannels.replace(actor.id, department, agent, body.channelIds);
  }
}
