import type { LiveEvent } from '@wechat-desk/desk/data-access';

/**
 * Server-Sent Events wire format (text/event-stream). A field value cannot hold a line break, so
 * multi-line data becomes several `data:` lines (the client joins them with "\n") and other
 * fields lose their breaks.
 */
const LINE_BREAK = /\r\n|\r|\n/;

function singleLine(value: string): string {
  return value.split(LINE_BREAK).join(' ');
}

export interface SseFrame {
  id?: number;
  event?: string;
  data?: string;
  /** Lines the client ignores (`: …`): heartbeats that keep proxies from closing the stream. */
  comment?: string;
  /** How long the client waits before reconnecting, in ms. */
  retryMs?: number;
}

export function formatSseFrame(frame: SseFrame): string {
  let text = '';
  if (frame.comment !== undefined) {
    text += frame.comment
      .split(LINE_BREAK)
      .map((line) => `: ${line}\n`)
      .join('');
  }
  if (frame.retryMs !== undefined) {
    text += `retry: ${Math.max(0, Math.trunc(frame.retryMs))}\n`;
  }
  if (frame.id !== undefined) {
    text += `id: ${frame.id}\n`;
  }
  if (frame.event !== undefined) {
    text += `event: ${singleLine(frame.event)}\n`;
  }
  if (frame.data !== undefined) {
    text += frame.data
      .split(LINE_BREAK)
      .map((line) => `data: ${line}\n`)
      .join('');
  }
  return `${text}\n`;
}

/** What a client receives for a live event: where it happened, then the ticket or message. */
export function liveEventFrame(event: LiveEvent): string {
  return formatSseFrame({
    id: event.seq,
    event: event.type,
    data: JSON.stringify({
      ticketId: event.ticketId,
      channelId: event.channelId,
      departmentId: event.departmentId,
      ...event.data,
    }),
  });
}

/**
 * Tells the client its resume point could not be honoured (events after it were deleted, or it
 * was not a seq): refetch what it shows. The id moves its resume point to where the stream goes on.
 */
export function resetFrame(resumeFrom: number, reason: string): string {
  return formatSseFrame({ id: resumeFrom, event: 'reset', data: JSON.stringify({ reason }) });
}

/**
 * Moves the client's resume point without an event: EventSource records an id even when the
 * frame has no data and dispatches nothing.
 */
export function positionFrame(seq: number, comment?: string): string {
  return formatSseFrame({ id: seq, ...(comment === undefined ? {} : { comment }) });
}
