import { request, type IncomingMessage } from 'node:http';

export interface StreamEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events (the SSE wire format: `field: value` lines, a blank line
 * ends an event, lines starting with `:` are comments).
 */
export class EventStreamParser {
  private buffer = '';
  private id: string | null = null;
  private event = 'message';
  private data: string[] = [];

  constructor(private readonly onEvent: (event: StreamEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) {
        this.onEvent({ id: this.id, event: this.event, data: this.data.join('\n') });
      }
      this.event = 'message';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'id':
        this.id = value;
        break;
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      default:
        break;
    }
  }
}

/** A live connection to the desk API's stream; `close()` ends it. */
export interface LiveStream {
  close(): void;
}

/** Opens GET /api/v1/stream and calls `onEvent` with each event, stamped when it arrived. */
export function openLiveStream(
  deskApiUrl: string,
  accessToken: string,
  onEvent: (event: StreamEvent, receivedAtMs: number) => void,
): Promise<LiveStream> {
  return new Promise((resolveOpen, reject) => {
    const req = request(
      `${deskApiUrl}/api/v1/stream`,
      { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'text/event-stream' } },
      (response: IncomingMessage) => {
        if (response.statusCode !== 200) {
          reject(new Error(`the live stream answered ${response.statusCode ?? '?'}`));
          response.resume();
          return;
        }
        const parser = new EventStreamParser((event) => onEvent(event, Date.now()));
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.push(chunk));
        resolveOpen({ close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
