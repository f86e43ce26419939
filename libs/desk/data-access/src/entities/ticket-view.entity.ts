import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { TicketStatus } from '@wechat-desk/contracts';

/** Read model of a ticket, projected from ticketing's events (ticketing owns the ticket). */
@Entity({ name: 'ticket_views' })
export class TicketViewEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** bigint in SQL (ticketing's sequence); safe as a JS number far beyond any real count. */
  @Column({
    type: 'bigint',
    transformer: { from: (value: string) => Number(value), to: (value: number) => value },
  })
  number!: number;

  @Column({ type: 'text' })
  status!: TicketStatus;

  /** Version of the status shown (ticketing's; created is 1): older status events are ignored. */
  @Column({ name: 'status_version', type: 'integer', default: 1 })
  statusVersion!: number;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'open_id', type: 'text' })
  openId!: string;

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_message_at', type: 'timestamptz' })
  lastMessageAt!: Date;
}
