import type { OutboundReplyRequestedV1 } from '@wechat-desk/contracts';
import { assertNever } from '@wechat-desk/shared/util';

/** WeChat's message object for one reply: the same content for custom/send and mass sendall. */
export type WechatContent =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | { msgtype: 'video'; video: { media_id: string; title?: string } };

const escapeHtml = (value: string): string =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/**
 * WeChat has no file message (protocol.md §8.3): a document goes as a text with a link to its
 * signed, expiring URL; text content accepts `<a href>`.
 */
export function documentText(reply: {
  text?: string | undefined;
  documentUrl: string;
  fileName: string;
}): string {
  const link = `<a href="${escapeHtml(reply.documentUrl)}">${escapeHtml(reply.fileName)}</a>`;
  const words = reply.text?.trim() ?? '';
  return words === '' ? link : `${words}\n${link}`;
}

export class ReplyNotSendableError extends Error {
  override name = 'ReplyNotSendableError';
}

/** The content of a reply; media replies need the media_id WeChat gave for the uploaded file. */
export function replyContent(
  reply: Pick<
    OutboundReplyRequestedV1,
    'type' | 'text' | 'documentUrl' | 'attachmentFileName' | 'replyId'
  >,
  mediaId: string | null,
): WechatContent {
  const needMedia = (): string => {
    if (mediaId === null) {
      throw new ReplyNotSendableError(`Reply ${reply.replyId}: ${reply.type} without media_id`);
    }
    return mediaId;
  };
  switch (reply.type) {
    case 'text':
      return { msgtype: 'text', text: { content: reply.text ?? '' } };
    case 'document':
      if (reply.documentUrl === undefined) {
        throw new ReplyNotSendableError(`Reply ${reply.replyId}: document without its link`);
      }
      return {
        msgtype: 'text',
        text: {
          content: documentText({
            text: reply.text,
            documentUrl: reply.documentUrl,
            fileName: reply.attachmentFileName ?? 'document',
          }),
        },
      };
    case 'image':
      return { msgtype: 'image', image: { media_id: needMedia() } };
    case 'voice':
      return { msgtype: 'voice', voice: { media_id: needMedia() } };
    case 'video':
      return {
        msgtype: 'video',
        video: {
          media_id: needMedia(),
          ...(reply.attachmentFileName === undefined ? {} : { title: reply.attachmentFileName }),
        },
      };
    default:
      return assertNever(reply.type, 'Unexpected reply type');
  }
}

/**
 * A mass message (sendall) for the monthly route. Video would need WeChat's separate mpvideo
 * conversion; it is refused before a slot is taken.
 */
export function massContent(content: WechatContent): WechatContent | null {
  return content.msgtype === 'video' ? null : content;
}
