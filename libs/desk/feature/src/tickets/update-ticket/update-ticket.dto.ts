import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

import { TICKET_STATUSES, type TicketStatus } from '@wechat-desk/contracts';

/** At least one field; `assigneeId: null` unassigns. */
export class UpdateTicketDto {
  @ApiPropertyOptional({
    enum: TICKET_STATUSES,
    description:
      'Shown at once; ticketing confirms it, or reverts a close when the customer wrote after ' +
      'the latest message this view held',
  })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      "An active agent associated with the ticket's channel in its department; null unassigns",
  })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;
}
