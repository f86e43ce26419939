import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

import { MESSAGE_DIRECTIONS, type MessageDirection } from '@wechat-desk/contracts';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  type MessageView as MessageRecord,
} from '@wechat-desk/desk/data-access';

export interface AttachmentView {
  id: string;
  mimeType: string;
  size: number;
  url: string;
}

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

  @ApiProperty({ example: 'image/jpeg' })
  mimeType!: string;

  @ApiProperty({ type: 'integer', description: 'Bytes' })
  size!: number;

  @ApiProperty()
  url!: string;
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

  @ApiPropertyOptional({ type: () => MessageFailureDoc, description: 'When status is failed' })
  failure?: MessageFailureDoc;
}

@ApiSchema({ name: 'MessageList' })
export class MessageListDoc {
  @ApiProperty({ type: () => [MessageDoc] })
  items!: MessageDoc[];
}

/** Optional fields are left out rather than null, as docs/api.md writes them (`text?`, `status?`). */
export function presentMessage(message: MessageRecord): MessageView {
  return {
    id: message.id,
    direction: message.direction,
    type: message.type,
    ...(message.text === null ? {} : { text: message.text }),
    attachments: [],
    sentAt: message.sentAt.toISOString(),
    ...(message.status === null ? {} : { status: message.status }),
    ...(message.status === 'failed'
      ? {
          failure: {
            code: message.failureCode ?? 'UNKNOWN',
            message: message.failureMessage ?? '',
          },
        }
      : {}),
  };
}
