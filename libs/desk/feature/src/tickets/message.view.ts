import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

import {
  ATTACHMENT_ROLES,
  MESSAGE_DIRECTIONS,
  type AttachmentRole,
  type MessageDirection,
} from '@wechat-desk/contracts';
import {
  DELIVERY_STATUSES,
  type AttachmentView as AttachmentRecord,
  type DeliveryStatus,
  type MessageView as MessageRecord,
} from '@wechat-desk/desk/data-access';

export interface AttachmentView {
  id: string;
  /** media: the message's own; thumbnail: a video's preview image. */
  role: AttachmentRole;
  mimeType: string;
  size: number;
  url: string;
  /** The name an agent's file was sent under (customers' media have none). */
  fileName?: string;
}

/** Where an attachment's bytes are served (GET /api/v1/attachments/{id}, scoped like its ticket). */
export const attachmentUrl = (id: string): string => `/api/v1/attachments/${id}`;

export interface MessageView {
  id: string;
  direction: MessageDirection;
  type: string;
  text?: string;
  attachments: AttachmentView[];
  sentAt: string;
  status?: DeliveryStatus;
  failure?: { code: string; message: string };
}

@ApiSchema({ name: 'Attachment' })
class AttachmentDoc implements AttachmentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    enum: ATTACHMENT_ROLES,
    description: "media: the message's own; thumbnail: a video's preview",
  })
  role!: AttachmentRole;

  @ApiProperty({ example: 'image/jpeg' })
  mimeType!: string;

  @ApiProperty({ type: 'integer', description: 'Bytes' })
  size!: number;

  @ApiProperty({ example: '/api/v1/attachments/6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10' })
  url!: string;

  @ApiPropertyOptional({
    example: 'invoice.pdf',
    description: "The name an agent's file was sent under",
  })
  fileName?: string;
}

@ApiSchema({ name: 'MessageFailure' })
class MessageFailureDoc implements Readonly<NonNullable<MessageView['failure']>> {
  @ApiProperty()
  code!: string;

  @ApiProperty()
  message!: string;
}

/** MessageView for the OpenAPI document (the same fields; optional ones are left out, not null). */
@ApiSchema({ name: 'Message' })
export class MessageDoc implements MessageView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: MESSAGE_DIRECTIONS, description: 'in: from the customer; out: a reply' })
  direction!: MessageDirection;

  @ApiProperty({ example: 'text' })
  type!: string;

  @ApiPropertyOptional()
  text?: string;

  @ApiProperty({ type: () => [AttachmentDoc] })
  attachments!: AttachmentDoc[];

  @ApiProperty({ format: 'date-time', description: "WeChat's CreateTime for inbound messages" })
  sentAt!: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Replies only' })
  status?: DeliveryStatus;

  @ApiPropertyOptional({
    type: () => MessageFailureDoc,
    description: "When status is failed, or when a customer's media could not be downloaded",
  })
  failure?: MessageFailureDoc;
}

@ApiSchema({ name: 'MessageList' })
export class MessageListDoc {
  @ApiProperty({ type: () => [MessageDoc] })
  items!: MessageDoc[];
}

/**
 * Optional fields are left out rather than null, as docs/api.md writes them (`text?`, `status?`).
 * Stored attachments are listed; a failed delivery, or else a failed download, is the failure.
 */
export function presentMessage(
  message: MessageRecord,
  attachments: readonly AttachmentRecord[] = [],
): MessageView {
  const failure = messageFailure(message, attachments);
  return {
    id: message.id,
    direction: message.direction,
    type: message.type,
    ...(message.text === null ? {} : { text: message.text }),
    attachments: attachments.flatMap((attachment) => presentAttachment(attachment)),
    sentAt: message.sentAt.toISOString(),
    ...(message.status === null ? {} : { status: message.status }),
    ...(failure === null ? {} : { failure }),
  };
}

function presentAttachment(attachment: AttachmentRecord): AttachmentView[] {
  if (attachment.status !== 'stored' || attachment.mimeType === null || attachment.size === null) {
    return [];
  }
  return [
    {
      id: attachment.id,
      role: attachment.role,
      mimeType: attachment.mimeType,
      size: attachment.size,
      url: attachmentUrl(attachment.id),
      ...(attachment.fileName === null ? {} : { fileName: attachment.fileName }),
    },
  ];
}

function messageFailure(
  message: MessageRecord,
  attachments: readonly AttachmentRecord[],
): MessageView['failure'] | null {
  if (message.status === 'failed') {
    return { code: message.failureCode ?? 'UNKNOWN', message: message.failureMessage ?? '' };
  }
  // The media's own failure first (attachments come media first), then a thumbnail's.
  const failed = attachments.find((attachment) => attachment.status === 'failed');
  return failed === undefined
    ? null
    : { code: failed.failureCode ?? 'UNKNOWN', message: failed.failureMessage ?? '' };
}

/** A ticket's messages with their attachments, in the messages' order. */
export function presentMessages(
  messages: readonly MessageRecord[],
  attachments: readonly AttachmentRecord[],
): MessageView[] {
  const byMessage = new Map<string, AttachmentRecord[]>();
  for (const attachment of attachments) {
    const list = byMessage.get(attachment.messageId) ?? [];
    list.push(attachment);
    byMessage.set(attachment.messageId, list);
  }
  return messages.map((message) => presentMessage(message, byMessage.get(message.id) ?? []));
}
