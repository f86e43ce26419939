import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

import type { AgentChannelsView } from './agent-channels';

export class AgentChannelsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: 500,
    uniqueItems: true,
    description: "The agent's channels in this department (replaces the previous set)",
  })
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  channelIds!: string[];
}

/** AgentChannelsView for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'AgentChannels' })
export class AgentChannelsViewDoc implements AgentChannelsView {
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;

  @ApiProperty({ format: 'uuid' })
  agentId!: string;

  @ApiProperty({ type: [String], format: 'uuid' })
  channelIds!: string[];
}
