/** Timings of the live stream; one place, so tests and operators see them together. */
export interface LiveStreamSettings {
  /** Rows read per query, by the shared reader and by a resuming client. */
  batchSize: number;
  /** Safety net when a NOTIFY is lost (or the listener is reconnecting). */
  pollIntervalMs: number;
  /** Look again this soon while a seq gap holds the stream back. */
  gapPollIntervalMs: number;
  /** After this, a missing seq is taken for a rolled-back insert and skipped. */
  gapTimeoutMs: number;
  /** A comment line this often, so proxies and clients see the stream alive. */
  heartbeatIntervalMs: number;
  /** Sessions, roles and associations are re-read this often for connected clients. */
  scopeRefreshIntervalMs: number;
  /** A client whose socket stays full this long is dropped (it reconnects and resumes). */
  maxBlockedMs: number;
  /** Or as soon as this much is waiting in its socket buffer. */
  maxBufferedBytes: number;
  /** What EventSource waits before reconnecting. */
  clientRetryMs: number;
  /** Events older than this are deleted; resuming from before them answers `reset`. */
  retentionMs: number;
  retentionIntervalMs: number;
}

export const LIVE_STREAM_SETTINGS = Symbol('LIVE_STREAM_SETTINGS');

export const DEFAULT_LIVE_STREAM_SETTINGS: LiveStreamSettings = {
  batchSize: 500,
  pollIntervalMs: 1_000,
  gapPollIntervalMs: 200,
  gapTimeoutMs: 2_000,
  heartbeatIntervalMs: 15_000,
  scopeRefreshIntervalMs: 5_000,
  maxBlockedMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  clientRetryMs: 2_000,
  retentionMs: 24 * 60 * 60 * 1000,
  retentionIntervalMs: 10 * 60 * 1000,
};

export const liveStreamSettingsProvider = {
  provide: LIVE_STREAM_SETTINGS,
  useValue: DEFAULT_LIVE_STREAM_SETTINGS,
};
