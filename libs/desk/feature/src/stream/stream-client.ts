import type { ServerResponse } from 'node:http';

import type { LiveEvent } from '@wechat-desk/desk/data-access';

import { formatSseFrame, liveEventFrame, positionFrame } from './sse-frame';
import { inScope, type StreamScope } from './stream-scope';

export interface StreamClientIdentity {
  agentId: string;
  /** The session's token hash: re-checked periodically, so a sign-out or expiry ends the stream. */
  tokenHash: string;
  scope: StreamScope;
}

/**
 * One open text/event-stream response and where its reader is: every seq up to `position` has
 * been written to it or was outside its scope (or given up on), so nothing is sent twice and,
 * with events handed in increasing order, nothing is skipped.
 */
export class StreamClient {
  /** Joined the shared delivery; before that it replays from the database by itself. */
  live = false;
  scope: StreamScope;
  readonly agentId: string;
  readonly tokenHash: string;
  private seq: number;
  /** The last id the client was told (its Last-Event-ID if it reconnects now). */
  private idSent: number;
  private blockedSinceMs: number | null = null;
  private ended = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly response: ServerResponse,
    identity: StreamClientIdentity,
    start: number,
  ) {
    this.agentId = identity.agentId;
    this.tokenHash = identity.tokenHash;
    this.scope = identity.scope;
    this.seq = start;
    this.idSent = start;
    response.on('drain', () => {
      this.blockedSinceMs = null;
    });
    response.on('close', () => this.markEnded());
  }

  get position(): number {
    return this.seq;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Socket buffer full since this time (ms), or null. */
  get blockedSince(): number | null {
    return this.blockedSinceMs;
  }

  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  onClose(listener: () => void): void {
    if (this.ended) {
      listener();
    } else {
      this.closeListeners.push(listener);
    }
  }

  /** Writes the event if in scope; either way the position moves past it. Answers whether written. */
  deliver(event: LiveEvent): boolean {
    if (this.ended || event.seq <= this.seq) {
      return false;
    }
    this.seq = event.seq;
    if (!inScope(this.scope, event)) {
      return false;
    }
    this.idSent = event.seq;
    this.write(liveEventFrame(event));
    return true;
  }

  /** Past seqs known to hold nothing more for anyone (rolled back, or read through). */
  skipTo(seq: number): void {
    this.seq = Math.max(this.seq, seq);
  }

  /** After a reset: the client's own resume point no longer counts. */
  restartAt(seq: number): void {
    this.seq = seq;
    this.idSent = seq;
  }

  /** A frame not tied to an event (position, reset, retry). */
  write(text: string): void {
    if (this.ended) {
      return;
    }
    if (!this.response.write(text) && this.blockedSinceMs === null) {
      this.blockedSinceMs = Date.now();
    }
  }

  /**
   * A comment that keeps the connection alive; also moves the client's resume point when events
   * outside its scope went by, so a reconnect does not re-read them.
   */
  heartbeat(): void {
    if (this.seq > this.idSent) {
      this.idSent = this.seq;
      this.write(positionFrame(this.seq, 'heartbeat'));
    } else {
      this.write(formatSseFrame({ comment: 'heartbeat' }));
    }
  }

  /** Resolves when the socket can take more, or the client is gone. */
  drained(): Promise<void> {
    if (this.ended || this.blockedSinceMs === null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.response.once('drain', () => resolve());
      this.onClose(resolve);
    });
  }

  /** Ends the stream; a dropped or signed-out client finds out by the end of the response. */
  close(): void {
    if (this.ended) {
      return;
    }
    this.markEnded();
    this.response.end();
  }

  /** Drops the connection at once (its buffer is not worth flushing). */
  destroy(): void {
    this.markEnded();
    this.response.destroy();
  }

  private markEnded(): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    for (const listener of this.closeListeners.splice(0)) {
      listener();
    }
  }
}
