import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Min } from 'class-validator';

import { TICKET_STATUSES, type TicketStatus } from './ticket-created.v1';

/**
 * An agent asks to close or reopen a ticket (ticketing owns the status). `seenCustomerMessageAt`
 * is the latest customer message the agent's view held: a close is refused when the customer
 * wrote after it, so a message never lands unseen in a closed ticket.
 */
export class TicketStatusChangeRequestedV1 {
  @IsUUID()
  ticketId!: string;

  @IsIn(TICKET_STATUSES)
  status!: TicketStatus;

  @IsUUID()
  agentId!: string;

  @IsOptional()
  @IsISO8601()
  seenCustomerMessageAt?: string;

  @IsISO8601()
  requestedAt!: string;
}

export const TICKET_STATUS_CAUSES = ['agent', 'customer-message', 'refused-close'] as const;
export type TicketStatusCause = (typeof TICKET_STATUS_CAUSES)[number];

/** The ticket's status as ticketing decided it; `version` (2, 3, …; created is 1) orders them. */
export class TicketStatusChangedV1 {
  @IsUUID()
  ticketId!: string;

  @IsUUID()
  channelId!: string;

  @IsUUID()
  departmentId!: string;

  @IsIn(TICKET_STATUSES)
  status!: TicketStatus;

  @IsInt()
  @Min(1)
  version!: number;

  @IsIn(TICKET_STATUS_CAUSES)
  cause!: TicketStatusCause;

  @IsOptional()
  @IsUUID()
  agentId?: string;

  @IsISO8601()
  changedAt!: string;
}
