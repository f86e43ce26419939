import type { ServerResponse } from 'node:http';

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';

import {
  AgentScopeRepository,
  LIVE_EVENTS_NOTIFY_CHANNEL,
  LiveEventRepository,
} from '@wechat-desk/desk/data-access';
import { AppConfig } from '@wechat-desk/shared/config';
import { PgNotificationListener } from '@wechat-desk/shared/persistence';
import { assertNever, sleep } from '@wechat-desk/shared/util';

import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { LIVE_STREAM_SETTINGS, type LiveStreamSettings } from './live-stream-settings';
import { SeqGapTracker } from './seq-gap-tracker';
import { formatSseFrame, positionFrame, resetFrame } from './sse-frame';
import { StreamClient } from './stream-client';
import { StreamMetrics, type StreamDropReason } from './stream-metrics';
import { pairsScope, type StreamScope } from './stream-scope';

/** Where a connecting client wants to start. */
export type ResumePoint =
  | { kind: 'latest' }
  | { kind: 'after'; seq: number }
  /** It sent a Last-Event-ID that is no seq: it had some state, which cannot be resumed. */
  | { kind: 'unreadable' };

export interface StreamConnection {
  response: ServerResponse;
  tokenHash: string;
  agentId: string;
  scope: StreamScope;
  resume: ResumePoint;
}

/**
 * The live stream of one desk-api replica. A single reader follows desk.live_events (woken by
 * NOTIFY, polling as a safety net) behind a SeqGapTracker and hands each event, in seq order, to
 * every live client, which writes it if in scope. A resuming client first replays from the
 * database up to the reader's position, then joins in the same tick, so it sees no hole and no
 * duplicate. Scopes and sessions are re-read periodically for everyone at once.
 */
@Injectable()
export class LiveEventHub implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventHub.name);
  private readonly clients = new Set<StreamClient>();
  private readonly listener: PgNotificationListener;
  private tracker: SeqGapTracker | null = null;
  private running = false;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private refreshing = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(LiveEventRepository) private readonly events: LiveEventRepository,
    @Inject(AgentScopeRepository) private readonly scopes: AgentScopeRepository,
    @Inject(StreamMetrics) private readonly metrics: StreamMetrics,
    @Inject(LIVE_STREAM_SETTINGS) private readonly settings: LiveStreamSettings,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.listener = new PgNotificationListener({
      databaseUrl: config.DATABASE_URL,
      channel: LIVE_EVENTS_NOTIFY_CHANNEL,
      applicationName: 'desk-api-live-stream',
      onNotification: () => this.kick(),
      // Whatever committed while no listener was attached is read now.
      onListening: () => this.kick(),
    });
  }

  async onModuleInit(): Promise<void> {
    // Starts at the newest event: the stream is about what happens from now on.
    this.tracker = new SeqGapTracker(await this.events.latestSeq(), this.settings.gapTimeoutMs);
    this.running = true;
    this.listener.start();
    this.loop = this.run();
    const every = (ms: number, task: () => void): void => {
      const timer = setInterval(task, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.settings.heartbeatIntervalMs, () => this.heartbeat());
    every(Math.min(1_000, this.settings.maxBlockedMs), () => this.dropSlowClients());
    every(this.settings.scopeRefreshIntervalMs, () => {
      this.refreshClients().catch((error: unknown) =>
        this.logger.warn(`Could not refresh stream clients' scopes: ${String(error)}`),
      );
    });
  }

  /** Before the HTTP server closes: open streams would keep it from closing. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    for (const timer of this.timers.splice(0)) {
      clearInterval(timer);
    }
    for (const client of [...this.clients]) {
      client.close();
    }
    this.kick();
    await this.loop;
    await this.listener.stop();
  }

  /** The reader's position: every event up to it has been handed to live clients. */
  get cursor(): number {
    if (this.tracker === null) {
      throw new Error('LiveEventHub used before the module was initialised');
    }
    return this.tracker.cursor;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** What an agent may see, read now. */
  async scopeFor(agent: Pick<AuthenticatedAgent, 'id' | 'role'>): Promise<StreamScope> {
    switch (agent.role) {
      case 'admin':
        return { kind: 'all' };
      case 'agent':
        return pairsScope((await this.scopes.visiblePairs([agent.id])).get(agent.id) ?? []);
      default:
        return assertNever(agent.role);
    }
  }

  /**
   * Serves one client until it disconnects (headers already sent): replays what it missed, then
   * it receives live events. Never throws; a failure ends the response and the client resumes.
   */
  async connect(connection: StreamConnection): Promise<void> {
    const start = this.cursor;
    const resume = connection.resume;
    const client = new StreamClient(
      connection.response,
      connection,
      resume.kind === 'after' ? resume.seq : start,
    );
    if (!this.running) {
      client.close();
      return;
    }
    this.clients.add(client);
    this.metrics.clients.set(this.clients.size);
    client.onClose(() => {
      this.clients.delete(client);
      this.metrics.clients.set(this.clients.size);
    });
    client.write(formatSseFrame({ retryMs: this.settings.clientRetryMs, comment: 'connected' }));
    try {
      await this.begin(client, resume, start);
    } catch (error) {
      this.logger.warn(`Stream client could not resume: ${String(error)}`);
      this.drop(client, 'failed');
    }
  }

  private async begin(client: StreamClient, resume: ResumePoint, start: number): Promise<void> {
    switch (resume.kind) {
      case 'latest':
        // Gives the client a resume point even if no event comes before it reconnects.
        client.write(positionFrame(start));
        client.live = true;
        return;
      case 'unreadable':
        this.reset(client, 'unreadable-last-event-id');
        return;
      case 'after':
        if (resume.seq > this.cursor && resume.seq > (await this.events.latestSeq())) {
          // No such event was ever committed (another database, or a made-up id).
          this.reset(client, 'unknown-last-event-id');
          return;
        }
        if (resume.seq >= this.cursor) {
          // Up to date (or ahead: another replica got further); live delivery skips what it has.
          client.live = true;
          return;
        }
        if (await this.events.resumePointExpired(resume.seq, this.cursor)) {
          this.reset(client, 'resume-point-expired');
          return;
        }
        return this.replay(client);
      default:
        return assertNever(resume);
    }
  }

  /** The client must refetch; it goes on live from the reader's position (same tick). */
  private reset(client: StreamClient, reason: string): void {
    const from = this.cursor;
    client.restartAt(from);
    client.write(resetFrame(from, reason));
    client.live = true;
  }

  /** From the database up to the reader's position, then joins live delivery in the same tick. */
  private async replay(client: StreamClient): Promise<void> {
    for (;;) {
      if (client.closed || !this.running) {
        return;
      }
      // Captured before reading: every seq up to it has committed (or was given up on), so
      // the read below sees all of them; beyond it the reader may still be waiting for a gap.
      const upTo = this.cursor;
      if (client.position >= upTo) {
        client.live = true;
        return;
      }
      const rows = await this.events.listAfter(client.position, this.settings.batchSize);
      for (const row of rows) {
        if (row.seq > upTo) {
          break;
        }
        if (client.deliver(row)) {
          this.metrics.eventsSent.inc({ type: row.type });
        }
      }
      const last = rows.at(-1);
      if (rows.length < this.settings.batchSize || last === undefined || last.seq >= upTo) {
        // Read through `upTo`: whatever is missing below it will not come.
        client.skipTo(upTo);
      }
      await client.drained();
    }
  }

  private kick(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      try {
        more = await this.readBatch();
      } catch (error) {
        this.logger.warn(`Live event reader failed: ${String(error)}`);
        await sleep(500, this.stopping.signal);
      }
      if (!more && this.running) {
        await this.idle(
          this.tracker?.waiting === true
            ? this.settings.gapPollIntervalMs
            : this.settings.pollIntervalMs,
        );
      }
    }
  }

  /** Answers whether a full batch was delivered (so more may be waiting). */
  private async readBatch(): Promise<boolean> {
    const tracker = this.tracker;
    if (tracker === null) {
      return false;
    }
    const rows = await this.events.listAfter(tracker.cursor, this.settings.batchSize);
    // No await from here on: clients joining live delivery must see the cursor and the
    // delivered events change together.
    const deliverable = tracker.advance(
      rows.map((row) => row.seq),
      Date.now(),
    );
    for (const row of rows.slice(0, deliverable)) {
      for (const client of this.clients) {
        if (client.live && client.deliver(row)) {
          this.metrics.eventsSent.inc({ type: row.type });
        }
      }
    }
    return deliverable === rows.length && rows.length === this.settings.batchSize;
  }

  private idle(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.pendingWake = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (client.live) {
        client.heartbeat();
      }
    }
  }

  private dropSlowClients(): void {
    const now = Date.now();
    for (const client of this.clients) {
      const blockedSince = client.blockedSince;
      if (
        client.bufferedBytes > this.settings.maxBufferedBytes ||
        (blockedSince !== null && now - blockedSince > this.settings.maxBlockedMs)
      ) {
        this.drop(client, 'slow');
      }
    }
  }

  /**
   * Re-reads sessions and associations of everyone connected (two queries): a signed-out,
   * expired or deactivated agent is disconnected (EventSource then gets 401 and stops), a
   * changed association or role applies to the next event.
   */
  private async refreshClients(): Promise<void> {
    if (this.refreshing || this.clients.size === 0) {
      return;
    }
    this.refreshing = true;
    try {
      const clients = [...this.clients];
      const sessions = await this.scopes.liveSessions(
        clients.map((client) => client.tokenHash),
        new Date(),
      );
      const agentIds = [...sessions.values()]
        .filter((session) => session.role === 'agent')
        .map((session) => session.agentId);
      const pairs = await this.scopes.visiblePairs(agentIds);
      for (const client of clients) {
        const session = sessions.get(client.tokenHash);
        if (session === undefined) {
          this.drop(client, 'signed-out');
          continue;
        }
        client.scope =
          session.role === 'admin' ? { kind: 'all' } : pairsScope(pairs.get(session.agentId) ?? []);
      }
    } finally {
      this.refreshing = false;
    }
  }

  private drop(client: StreamClient, reason: StreamDropReason): void {
    if (client.closed) {
      return;
    }
    this.metrics.clientsDropped.inc({ reason });
    switch (reason) {
      case 'slow':
        // Its buffer is not worth flushing: it reconnects and resumes from what it received.
        client.destroy();
        return;
      case 'signed-out':
      case 'failed':
        client.close();
        return;
      default:
        assertNever(reason);
    }
  }
}
