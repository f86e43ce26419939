import type {
  AttachmentView as AttachmentRecord,
  MessageView as MessageRecord,
  NewLiveEvent,
  TicketView as TicketRecord,
} from '@wechat-desk/desk/data-access';

import { presentMessage } from './message.view';
import { presentTicket } from './ticket.view';

/** 'ticket.created' or 'ticket.updated': the ticket as GET /tickets/{id} presents it. */
export function ticketLiveEvent(
  type: 'ticket.created' | 'ticket.updated',
  ticket: TicketRecord,
): NewLiveEvent {
  return {
    type,
    ticketId: ticket.id,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    data: presentTicket(ticket),
  };
}

/** 'message.added' or 'message.updated': the message as GET /tickets/{id}/messages presents it. */
export function messageLiveEvent(
  type: 'message.added' | 'message.updated',
  ticket: TicketRecord,
  message: MessageRecord,
  attachments: readonly AttachmentRecord[] = [],
): NewLiveEvent {
  return {
    type,
    ticketId: ticket.id,
    channelId: ticket.channelId,
    departmentId: ticket.departmentId,
    data: presentMessage(message, attachments),
  };
}
