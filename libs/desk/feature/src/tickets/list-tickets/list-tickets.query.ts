import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

import { TICKET_STATUSES, type TicketStatus } from '@wechat-desk/contracts';

export const DEFAULT_TICKET_PAGE_SIZE = 25;

export class ListTicketsQuery {
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @IsOptional()
  @IsUUID('all')
  channelId?: string;

  @IsOptional()
  @IsUUID('all')
  departmentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
