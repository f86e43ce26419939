import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Min } from 'class-validator';

export const TICKET_STATUSES = ['open', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export class TicketCreatedV1 {
  @IsUUID()
  ticketId!: string;

  @IsInt()
  @Min(1)
  number!: number;

  @IsUUID()
  channelId!: string;

  @IsUUID()
  departmentId!: string;

  @IsUUID()
  contactId!: string;

  @IsString()
  openId!: string;

  @IsIn(TICKET_STATUSES)
  status!: TicketStatus;

  @IsISO8601()
  createdAt!: string;
}
