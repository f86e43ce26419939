import { Body, Controller, Get, Inject, Post } from '@nestjs/common';

import { Roles } from '../common/auth/auth.decorators';
import type { AgentView } from './agent.view';
import { CreateAgent } from './create-agent/create-agent';
import { CreateAgentDto } from './create-agent/create-agent.dto';
import { ListAgents } from './list-agents/list-agents';

@Controller('agents')
@Roles('admin')
export class AgentsController {
  constructor(
    @Inject(CreateAgent) private readonly createAgent: CreateAgent,
    @Inject(ListAgents) private readonly listAgents: ListAgents,
  ) {}

  @Post()
  create(@Body() body: CreateAgentDto): Promise<AgentView> {
    return this.createAgent.execute(body);
  }

  @Get()
  list(): Promise<{ items: AgentView[] }> {
    return this.listAgents.execute();
  }
}
