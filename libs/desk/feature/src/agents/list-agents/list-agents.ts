import { Inject, Injectable } from '@nestjs/common';

import { AgentRepository } from '@wechat-desk/desk/data-access';

import { presentAgent, type AgentView } from '../agent.view';

@Injectable()
export class ListAgents {
  constructor(@Inject(AgentRepository) private readonly agents: AgentRepository) {}

  async execute(): Promise<{ items: AgentView[] }> {
    const agents = await this.agents.list();
    return { items: agents.map(presentAgent) };
  }
}
