import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';

export class AgentChannelsDto {
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  channelIds!: string[];
}
