import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { type SimAccount, validateAccountInput } from './accounts';
import { type Clock, SIMULATOR_CLOCK } from './clock';
import { type MediaFault, type MediaInput, type SimMedia } from './media';
import {
  DEFAULT_MAX_RECORDED_CALLS,
  SIMULATOR_OPTIONS,
  type WechatSimulatorOptions,
} from './options';
import { WECHAT_PATHS } from './paths';

/** Tokens of `/cgi-bin/stable_token` and `/cgi-bin/token` are isolated from each other (§5.2). */
export type TokenKind = 'stable' | 'classic';

export const TOKEN_LIFETIME_S = 7200;
/** A superseded `/cgi-bin/token` token keeps working this long (§5.1). */
export const SUPERSEDED_GRACE_S = 300;
/** stable_token rotates in a token's last 5 minutes, so every answer has expires_in ≥ 300 (§5.2). */
export const STABLE_ROTATE_BEFORE_S = 300;

export interface IssuedToken {
  accessToken: string;
  appId: string;
  kind: TokenKind;
  issuedAtMs: number;
  /** Natural end of life: afterwards the token answers 42001. */
  expiresAtMs: number;
  /** Superseded or force-refreshed: from then on the token answers 40001. */
  revokedAtMs: number | null;
}

export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
}

/** Why a token stopped working, named after the WeChat error it then answers. */
export type TokenEnd = 'invalidCredential' | 'accessTokenExpired';

export type TokenCheck =
  { ok: true; appId: string } | { ok: false; error: TokenEnd; appId: string | null };

/** One call to a WeChat path, as received and as answered. */
export interface RecordedCall {
  id: number;
  /** ISO time from the simulator's clock. */
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  accessToken: string | null;
  /** The account the call was for (resolved from the token, or the appid sent). */
  appId: string | null;
  /** The request body exactly as received (UTF-8). */
  rawBody: string;
  /** The parsed body; null when empty or not JSON. */
  json: unknown;
  errcode: number;
  errmsg: string;
  /** Set when an injected fault answered instead (see `POST /sim/media/:mediaId/faults`). */
  fault?: string;
  /** media/upload: the file part as received (its bytes are kept as the media, not here). */
  upload?: { field: string; fileName: string; contentType: string; size: number };
}

export type NewCall = Omit<RecordedCall, 'id' | 'at'>;

export interface CallFilter {
  path?: string;
  appId?: string;
}

export interface CustomMessageFilter {
  appId?: string;
  touser?: string;
  /** Include failed attempts too. */
  all?: boolean;
}

/** All of the simulator's in-memory state: accounts, tokens and recorded calls. */
@Injectable()
export class SimulatorStateService {
  private readonly accounts = new Map<string, SimAccount>();
  /** API IP whitelist per AppID; none (or empty) means every caller is allowed. */
  private readonly ipWhitelists = new Map<string, string[]>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** Latest token per `${appId} ${kind}`. */
  private readonly latest = new Map<string, IssuedToken>();
  private readonly media = new Map<string, SimMedia>();
  private readonly mediaFaults = new Map<string, MediaFault>();
  private calls: RecordedCall[] = [];
  private nextCallId = 1;
  private readonly maxRecordedCalls: number;
  /** Added to the injected clock by `POST /sim/clock/advance`, so windows can be crossed. */
  private clockOffsetMs = 0;

  constructor(
    @Inject(SIMULATOR_CLOCK) private readonly clock: Clock,
    @Inject(SIMULATOR_OPTIONS) options: WechatSimulatorOptions,
  ) {
    this.maxRecordedCalls = options.maxRecordedCalls ?? DEFAULT_MAX_RECORDED_CALLS;
    for (const input of options.accounts ?? []) {
      const result = validateAccountInput(input);
      if (!result.ok) {
        throw new Error(`invalid simulator account: ${JSON.stringify(result.problems)}`);
      }
      this.upsertAccount(result.account);
    }
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** Moves the simulator's time forward (never back: issued tokens and windows stay ordered). */
  advanceClock(seconds: number): number {
    this.clockOffsetMs += Math.round(seconds * 1000);
    return this.now();
  }

  clockOffsetSeconds(): number {
    return this.clockOffsetMs / 1000;
  }

  // --- accounts -------------------------------------------------------------------------------

  /** Replacing an account keeps its tokens: WeChat does not revoke tokens when a secret changes. */
  upsertAccount(account: SimAccount): SimAccount {
    this.accounts.set(account.appId, { ...account });
    return { ...account };
  }

  getAccount(appId: string): SimAccount | undefined {
    const account = this.accounts.get(appId);
    return account && { ...account };
  }

  listAccounts(): SimAccount[] {
    return [...this.accounts.values()].map((account) => ({ ...account }));
  }

  /** Replaces the account's API IP whitelist; an empty list lifts the restriction. */
  setIpWhitelist(appId: string, ips: readonly string[]): string[] {
    if (ips.length === 0) {
      this.ipWhitelists.delete(appId);
    } else {
      this.ipWhitelists.set(appId, [...ips]);
    }
    return this.getIpWhitelist(appId);
  }

  getIpWhitelist(appId: string): string[] {
    return [...(this.ipWhitelists.get(appId) ?? [])];
  }

  // --- tokens ---------------------------------------------------------------------------------

  /**
   * `/cgi-bin/stable_token`: the same token while it has ≥ 5 minutes left; force_refresh revokes
   * it at once and issues a new one.
   */
  stableToken(appId: string, forceRefresh: boolean): TokenGrant {
    const now = this.now();
    const current = this.latest.get(latestKey(appId, 'stable'));
    if (current && this.endReason(current, now) === null) {
      if (forceRefresh) {
        current.revokedAtMs = now;
      } else if (current.expiresAtMs - now >= STABLE_ROTATE_BEFORE_S * 1000) {
        return this.grant(current, now);
      }
      // Otherwise a rotation: the old token simply runs out its remaining (< 5 min) life.
    }
    return this.grant(this.issue(appId, 'stable', now), now);
  }

  /** `/cgi-bin/token`: always a new token; the previous ones keep working for 5 minutes. */
  classicToken(appId: string): TokenGrant {
    const now = this.now();
    const graceEnd = now + SUPERSEDED_GRACE_S * 1000;
    for (const token of this.tokensOf(appId, 'classic')) {
      if (token.revokedAtMs === null || token.revokedAtMs > graceEnd) {
        token.revokedAtMs = graceEnd;
      }
    }
    return this.grant(this.issue(appId, 'classic', now), now);
  }

  checkAccessToken(accessToken: string): TokenCheck {
    const token = this.tokens.get(accessToken);
    if (!token) {
      return { ok: false, error: 'invalidCredential', appId: null };
    }
    const reason = this.endReason(token, this.now());
    return reason === null
      ? { ok: true, appId: token.appId }
      : { ok: false, error: reason, appId: token.appId };
  }

  /** Ends every live token of the account now (they answer 42001). Returns how many. */
  expireTokens(appId: string): number {
    const now = this.now();
    let expired = 0;
    for (const token of this.tokensOf(appId)) {
      if (this.endReason(token, now) === null) {
        token.expiresAtMs = now;
        expired += 1;
      }
    }
    return expired;
  }

  listTokens(appId?: string): IssuedToken[] {
    return [...this.tokens.values()]
      .filter((token) => appId === undefined || token.appId === appId)
      .map((token) => ({ ...token }));
  }

  private issue(appId: string, kind: TokenKind, now: number): IssuedToken {
    const token: IssuedToken = {
      // Opaque and about as long as WeChat's (136+ chars of [A-Za-z0-9_-]).
      accessToken: randomBytes(102).toString('base64url'),
      appId,
      kind,
      issuedAtMs: now,
      expiresAtMs: now + TOKEN_LIFETIME_S * 1000,
      revokedAtMs: null,
    };
    this.tokens.set(token.accessToken, token);
    this.latest.set(latestKey(appId, kind), token);
    return token;
  }

  private grant(token: IssuedToken, now: number): TokenGrant {
    return {
      accessToken: token.accessToken,
      expiresIn: Math.floor((token.expiresAtMs - now) / 1000),
    };
  }

  /** Why a token no longer works at `now`; whichever ended first wins. */
  private endReason(token: IssuedToken, now: number): TokenEnd | null {
    const { revokedAtMs, expiresAtMs } = token;
    if (revokedAtMs !== null && now >= revokedAtMs && revokedAtMs <= expiresAtMs) {
      return 'invalidCredential';
    }
    return now >= expiresAtMs ? 'accessTokenExpired' : null;
  }

  private tokensOf(appId: string, kind?: TokenKind): IssuedToken[] {
    return [...this.tokens.values()].filter(
      (token) => token.appId === appId && (kind === undefined || token.kind === kind),
    );
  }

  // --- media ---------------------------------------------------------------------------------

  /** Media a customer "sent": what media/get answers for its id (a given id is replaced). */
  registerMedia(input: MediaInput): SimMedia {
    const media: SimMedia = {
      // Shaped like WeChat's: 64 characters of [A-Za-z0-9_-].
      mediaId: input.mediaId ?? randomBytes(48).toString('base64url'),
      appId: input.appId,
      type: input.type,
      contentType: input.contentType,
      bytes: input.bytes,
      createdAtMs: this.now(),
    };
    this.media.set(media.mediaId, media);
    return media;
  }

  getMedia(mediaId: string): SimMedia | undefined {
    return this.media.get(mediaId);
  }

  /** The next `failNext` media/get calls for this id fail as `mode`; 0 clears the fault. */
  setMediaFault(mediaId: string, fault: MediaFault): void {
    if (fault.remaining === 0) {
      this.mediaFaults.delete(mediaId);
    } else {
      this.mediaFaults.set(mediaId, { ...fault });
    }
  }

  /** Consumes one injected failure for this id, if any is left. */
  takeMediaFault(mediaId: string): MediaFault | undefined {
    const fault = this.mediaFaults.get(mediaId);
    if (fault === undefined) {
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      this.mediaFaults.delete(mediaId);
    }
    return { ...fault };
  }

  // --- recorded calls -------------------------------------------------------------------------

  recordCall(call: NewCall): RecordedCall {
    const recorded: RecordedCall = {
      id: this.nextCallId++,
      at: new Date(this.now()).toISOString(),
      ...call,
    };
    this.calls.push(recorded);
    if (this.calls.length > this.maxRecordedCalls) {
      this.calls.splice(0, this.calls.length - this.maxRecordedCalls);
    }
    return recorded;
  }

  listCalls(filter: CallFilter = {}): RecordedCall[] {
    return this.calls.filter(
      (call) =>
        (filter.path === undefined || call.path === filter.path) &&
        (filter.appId === undefined || call.appId === filter.appId),
    );
  }

  /** custom/send calls; only the accepted ones unless `all`. */
  listCustomMessages(filter: CustomMessageFilter = {}): RecordedCall[] {
    return this.listMessageCalls(WECHAT_PATHS.customSend, filter);
  }

  /** Calls of a path whose body names a `touser` (custom/send, custom/typing). */
  listMessageCalls(path: string, filter: CustomMessageFilter = {}): RecordedCall[] {
    return this.listCalls({ path, appId: filter.appId }).filter(
      (call) =>
        (filter.all === true || call.errcode === 0) &&
        (filter.touser === undefined || touserOf(call.json) === filter.touser),
    );
  }

  // --- reset ----------------------------------------------------------------------------------

  reset(options: { keepAccounts?: boolean } = {}): void {
    if (options.keepAccounts !== true) {
      this.accounts.clear();
      this.ipWhitelists.clear();
    }
    this.tokens.clear();
    this.latest.clear();
    this.media.clear();
    this.mediaFaults.clear();
    this.calls = [];
    this.clockOffsetMs = 0;
  }
}

function latestKey(appId: string, kind: TokenKind): string {
  return `${appId} ${kind}`;
}

function touserOf(json: unknown): unknown {
  return typeof json === 'object' && json !== null && 'touser' in json ? json.touser : undefined;
}
