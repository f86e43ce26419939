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
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';

import { CurrentAgent, Roles } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAdminOnly, ApiDeskErrors } from '../openapi/api-errors';
import { AgentDoc, AgentListDoc, type AgentView } from './agent.view';
import { CreateAgent } from './create-agent/create-agent';
import { CreateAgentDto } from './create-agent/create-agent.dto';
import { GetAgent } from './get-agent/get-agent';
import { ListAgents } from './list-agents/list-agents';
import { UpdateAgent } from './update-agent/update-agent';
import { UpdateAgentDto } from './update-agent/update-agent.dto';

const agentId = new UuidParamPipe('Agent');

@Controller('agents')
@Roles('admin')
@ApiAdminOnly()
export class AgentsController {
  constructor(
    @Inject(CreateAgent) private readonly createAgent: CreateAgent,
    @Inject(ListAgents) private readonly listAgents: ListAgents,
    @Inject(GetAgent) private readonly getAgent: GetAgent,
    @Inject(UpdateAgent) private readonly updateAgent: UpdateAgent,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: AgentDoc })
  @ApiDeskErrors(
    [409, 'DUPLICATE_EMAIL: an agent has this e-mail'],
    [422, 'VALIDATION_FAILED, or DEPARTMENT_NOT_FOUND'],
  )
  create(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Body() body: CreateAgentDto,
  ): Promise<AgentView> {
    return this.createAgent.execute(actor.id, body);
  }

  @Get()
  @ApiOkResponse({ type: AgentListDoc })
  list(): Promise<{ items: AgentView[] }> {
    return this.listAgents.execute();
  }

  @Get(':id')
  @ApiOkResponse({ type: AgentDoc })
  @ApiDeskErrors(404)
  get(@Param('id', agentId) id: string): Promise<AgentView> {
    return this.getAgent.execute(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AgentDoc })
  @ApiDeskErrors(
    404,
    [409, 'LAST_ACTIVE_ADMIN: the last active admin would lose the role'],
    [422, 'VALIDATION_FAILED, or DEPARTMENT_NOT_FOUND'],
  )
  update(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
    @Body() body: UpdateAgentDto,
  ): Promise<AgentView> {
    return this.updateAgent.edit(actor.id, id, body);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AgentDoc })
  @ApiDeskErrors(404, [409, 'CANNOT_DEACTIVATE_SELF, or LAST_ACTIVE_ADMIN'])
  deactivate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
  ): Promise<AgentView> {
    return this.updateAgent.setActive(actor.id, id, false);
  }

  @Post(':id/activate')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AgentDoc })
  @ApiDeskErrors(404)
  activate(
    @CurrentAgent() actor: AuthenticatedAgent,
    @Param('id', agentId) id: string,
  ): Promise<AgentView> {
    return this.updateAgent.setActive(actor.id, id, true);
  }
}
