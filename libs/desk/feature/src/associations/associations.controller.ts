import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAdminOnly, ApiDeskErrors } from '../openapi/api-errors';
import { AgentChannels, type AgentChannelsView } from './agent-channels';
import { AgentChannelsDto, AgentChannelsViewDoc } from './agent-channels.dto';

const departmentId = new UuidParamPipe('Department');
const agentId = new UuidParamPipe('Agent');

@Controller('departments/:departmentId/agents/:agentId/channels')
@Roles('admin')
@ApiAdminOnly()
@ApiDeskErrors([404, 'NOT_FOUND: no such department or agent'])
export class AssociationsController {
  constructor(@Inject(AgentChannels) private readonly agentChannels: AgentChannels) {}

  @Get()
  @ApiOkResponse({ type: AgentChannelsViewDoc })
  get(
    @Param('departmentId', departmentId) department: string,
    @Param('agentId', agentId) agent: string,
  ): Promise<AgentChannelsView> {
    return this.agentChannels.get(department, agent);
  }

  @Put()
  @ApiOkResponse({ type: AgentChannelsViewDoc })
  @ApiDeskErrors([
    422,
    'VALIDATION_FAILED, AGENT_NOT_IN_DEPARTMENT, or CHANNEL_NOT_IN_DEPARTMENT (details name them)',
  ])
  replace(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('departmentId', departmentId) department: string,
    @Param('agentId', agentId) agent: string,
    @Body() body: AgentChannelsDto,
  ): Promise<AgentChannelsView> {
    return this.agentChannels.replace(actor.id, department, agent, body.channelIds);
  }
}
