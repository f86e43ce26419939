import { Inject, Injectable } from '@nestjs/common';

import { AgentRepository } from '@wechat-desk/desk/data-access';

import { DeskErrors } from '../../common/desk-error';
import { presentAgent, type AgentView } from '../agent.view';

@Injectable()
export class GetAgent {
  constructor(@Inject(AgentRepository) private readonly agents: AgentRepository) {}

  async execute(id: string): Promise<AgentView> {
    const agent = await this.agents.findById(id);
    if (agent === null) {
      throw DeskErrors.notFound('Agent', id);
    }
    return presentAgent(agent);
  }
}
