import type { TicketStatus } from '@wechat-desk/contracts';
import type { TicketView as TicketRecord } from '@wechat-desk/desk/data-access';

export interface TicketView {
  id: string;
  number: number;
  status: TicketStatus;
  channelId: string;
  departmentId: string;
  contact: { id: string; openId: string };
  assigneeId: string | null;
  createdAt: string;
  lastMessageAt: string;
  /** The sending window arrives with the reply policy; null until then. */
  replyWindow: null;
}

export function presentTicket(ticket: TicketRecord): TicketView {
  return {
    id: ticket.id,
    number: ticket.number,
    status: ticket.status,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    contact: { id: ticket.contactId, openId: ticket.openId },
    assigneeId: ticket.assigneeId,
    createdAt: ticket.createdAt.toISOString(),
    lastMessageAt: ticket.lastMessageAt.toISOString(),
    replyWindow: null,
  };
}
