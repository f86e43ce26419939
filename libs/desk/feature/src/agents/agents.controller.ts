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
} from '@nestjs/common';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import type { AgentView } from './agent.view';
import { CreateAgent } from './create-agent/create-agent';
import { CreateAgentDto } from './create-agent/create-agent.dto';
import { GetAgent } from './get-agent/get-agent';
import { ListAgents } from './list-agents/list-agents';
import { UpdateAgent } from './update-agent/update-agent';
import { UpdateAgentDto } from './update-agent/update-agent.dto';

const agentId = new UuidParamPipe('Agent');

@Controller('agents')
@Roles('admin')
export class AgentsController {
  constructor(
    @Inject(CreateAgent) private readonly createAgent: CreateAgent,
    @Inject(ListAgents) private readonly listAgents: ListAgents,
    @Inject(GetAgent) private readonly getAgent: GetAgent,
    @Inject(UpdateAgent) private readonly updateAgent: UpdateAgent,
  ) {}

  @Post()
  create(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Body() body: CreateAgentDto,
  ): Promise<AgentView> {
    return this.createAgent.execute(actor.id, body);
  }

  @Get()
  list(): Promise<{ items: AgentView[] }> {
    return this.listAgents.execute();
  }

  @Get(':id')
  get(@Param('id', agentId) id: string): Promise<AgentView> {
    return this.getAgent.execute(id);
  }

  @Patch(':id')
  update(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentView> {
    return this.updateAgent.edit(actor.id, id, body);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  deactivate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
  ): Promise<AgentView> {
    return this.updateAgent.setActive(actor.id, id, false);
  }

  @Post(':id/activate')
  @HttpCode(HttpStatus.OK)
  activate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
  ): Promise<AgentView> {
    return this.updateAgent.setActive(actor.id, id, true);
  }
}
