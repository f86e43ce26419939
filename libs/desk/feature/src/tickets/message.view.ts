import type { MessageDirection } from '@wechat-desk/contracts';
import type { DeliveryStatus, MessageView as MessageRecord } from '@wechat-desk/desk/data-access';

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
