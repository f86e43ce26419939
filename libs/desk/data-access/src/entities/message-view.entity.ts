import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { MessageDirection } from '@wechat-desk/contracts';

export const DELIVERY_STATUSES = ['queued', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Read model of a ticket's message; outbound ones also carry their delivery status. */
@Entity({ name: 'message_views' })
export class MessageViewEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  @Column({ type: 'text' })
  direction!: MessageDirection;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', nullable: true })
  text!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;

  /** Null for inbound messages. */
  @Column({ type: 'text', nullable: true })
  status!: DeliveryStatus | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage!: string | null;

  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId!: string | null;
}
