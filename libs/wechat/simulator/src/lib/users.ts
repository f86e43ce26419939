import type { WechatErrorName } from './wechat-errors';

/**
 * WeChat's sending rules per user, as pure functions over a user's record (protocol.md §6.2, §6.3,
 * §7.2). The simulator judges our outbound service with these, independently of its own policy code.
 */

/** What a test can say a user did; `menu` is a click/scancode_push/scancode_waitmsg menu (not VIEW). */
export const INTERACTION_KINDS = ['message', 'follow', 'unfollow', 'menu', 'scan'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** The actions that grant the short 3-send window. */
export type PromptKind = 'follow' | 'menu' | 'scan';

const SECOND_MS = 1000;
const HOUR_MS = 3600 * SECOND_MS;

/** A user message opens 48 h with 5 sends (since 12 June 2023). */
export const MESSAGE_WINDOW_MS = 48 * HOUR_MS;
export const MESSAGE_WINDOW_SENDS = 5;
/** A follow, menu click or QR scan opens 1 minute with 3 sends. */
export const PROMPT_WINDOW_MS = 60 * SECOND_MS;
export const PROMPT_WINDOW_SENDS = 3;
/** Typing needs an interaction within the last 30 s; the indicator then shows for 15 s. */
export const TYPING_INTERACTION_MS = 30 * SECOND_MS;
export const TYPING_DURATION_MS = 15 * SECOND_MS;
/** Mass messages each follower can receive per calendar month (Asia/Shanghai). */
export const MASS_MONTHLY_LIMIT = 4;
/** Tags one user can carry (WeChat: 45059 beyond 20). */
export const MAX_TAGS_PER_USER = 20;

export interface SimUser {
  appId: string;
  openId: string;
  following: boolean;
  lastMessageAtMs: number | null;
  /** Sends counted in the window of `lastMessageAtMs`; each new message resets it. */
  sendsSinceMessage: number;
  lastPromptAtMs: number | null;
  lastPromptKind: PromptKind | null;
  sendsSincePrompt: number;
  /** Latest message or prompt: what typing's 30 s are counted from. */
  lastInteractionAtMs: number | null;
  customSent: number;
  typingSent: number;
  /** While the clock is before this, a Typing indicator is showing. */
  typingUntilMs: number | null;
  /** Mass messages received per `YYYY-MM` of Asia/Shanghai. */
  massReceived: Record<string, number>;
  tagIds: number[];
}

export function newUser(appId: string, openId: string): SimUser {
  return {
    appId,
    openId,
    following: false,
    lastMessageAtMs: null,
    sendsSinceMessage: 0,
    lastPromptAtMs: null,
    lastPromptKind: null,
    sendsSincePrompt: 0,
    lastInteractionAtMs: null,
    customSent: 0,
    typingSent: 0,
    typingUntilMs: null,
    massReceived: {},
    tagIds: [],
  };
}

/**
 * The user after an interaction at `atMs`. Times only move forward, so an interaction recorded late
 * (older than the one already known) neither reopens nor resets a window. Sending a message implies
 * following: WeChat only lets followers write to an account.
 */
export function applyInteraction(user: SimUser, kind: InteractionKind, atMs: number): SimUser {
  const next: SimUser = {
    ...user,
    massReceived: { ...user.massReceived },
    tagIds: [...user.tagIds],
  };
  if (kind === 'unfollow') {
    next.following = false;
    return next;
  }
  next.following = true;
  next.lastInteractionAtMs = Math.max(user.lastInteractionAtMs ?? atMs, atMs);
  if (kind === 'message') {
    if (user.lastMessageAtMs === null || atMs > user.lastMessageAtMs) {
      next.lastMessageAtMs = atMs;
      next.sendsSinceMessage = 0;
    }
    return next;
  }
  if (user.lastPromptAtMs === null || atMs > user.lastPromptAtMs) {
    next.lastPromptAtMs = atMs;
    next.lastPromptKind = kind;
    next.sendsSincePrompt = 0;
  }
  return next;
}

export type SendWindow = 'message' | 'prompt';

export interface WindowView {
  open: boolean;
  openedAtMs: number | null;
  endsAtMs: number | null;
  used: number;
  limit: number;
}

export function windowView(user: SimUser, window: SendWindow, nowMs: number): WindowView {
  const [openedAtMs, durationMs, used, limit] =
    window === 'message'
      ? [user.lastMessageAtMs, MESSAGE_WINDOW_MS, user.sendsSinceMessage, MESSAGE_WINDOW_SENDS]
      : [user.lastPromptAtMs, PROMPT_WINDOW_MS, user.sendsSincePrompt, PROMPT_WINDOW_SENDS];
  const endsAtMs = openedAtMs === null ? null : openedAtMs + durationMs;
  // Open from the action up to, not including, its end: at 48 h sharp the window is closed.
  const open = openedAtMs !== null && endsAtMs !== null && nowMs >= openedAtMs && nowMs < endsAtMs;
  return { open, openedAtMs, endsAtMs, used, limit };
}

export type SendVerdict = { ok: true; window: SendWindow } | { ok: false; error: WechatErrorName };

/**
 * Whether a custom message may go to this user now, and which window it is counted in. The windows
 * are independent; a send takes the prompt window's slot first (it ends soonest), so the simulator
 * only refuses what every reading of WeChat's rules refuses. Not following → 43004; no open window
 * → 45015; open windows all used up → 45047.
 */
export function customSendVerdict(user: SimUser, nowMs: number): SendVerdict {
  if (!user.following) {
    return { ok: false, error: 'requireSubscribe' };
  }
  const open = (['prompt', 'message'] as const)
    .map((window) => ({ window, view: windowView(user, window, nowMs) }))
    .filter(({ view }) => view.open);
  if (open.length === 0) {
    return { ok: false, error: 'responseOutOfTimeLimit' };
  }
  const free = open.find(({ view }) => view.used < view.limit);
  return free === undefined
    ? { ok: false, error: 'responseCountLimit' }
    : { ok: true, window: free.window };
}

/** The user after an accepted custom message; a message also ends the typing indicator. */
export function afterCustomSend(user: SimUser, window: SendWindow): SimUser {
  return {
    ...user,
    customSent: user.customSent + 1,
    sendsSinceMessage: user.sendsSinceMessage + (window === 'message' ? 1 : 0),
    sendsSincePrompt: user.sendsSincePrompt + (window === 'prompt' ? 1 : 0),
    typingUntilMs: null,
  };
}

export const TYPING_COMMANDS = ['Typing', 'CancelTyping'] as const;
export type TypingCommand = (typeof TYPING_COMMANDS)[number];

export function typingActive(user: SimUser, nowMs: number): boolean {
  return user.typingUntilMs !== null && nowMs < user.typingUntilMs;
}

/**
 * custom/typing: `Typing` only where a custom message could be sent, within 30 s of the user's last
 * interaction (else 45015), and not while an indicator is still showing (45047: WeChat documents no
 * code for this, and it is the "too many" answer of the same API family). `CancelTyping` is always
 * accepted for a user the account knows.
 */
export function typingVerdict(
  user: SimUser,
  command: TypingCommand,
  nowMs: number,
): { ok: true } | { ok: false; error: WechatErrorName } {
  if (command === 'CancelTyping') {
    return { ok: true };
  }
  const send = customSendVerdict(user, nowMs);
  if (!send.ok) {
    return send;
  }
  if (
    user.lastInteractionAtMs === null ||
    nowMs >= user.lastInteractionAtMs + TYPING_INTERACTION_MS
  ) {
    return { ok: false, error: 'responseOutOfTimeLimit' };
  }
  return typingActive(user, nowMs) ? { ok: false, error: 'responseCountLimit' } : { ok: true };
}

export function afterTyping(user: SimUser, command: TypingCommand, nowMs: number): SimUser {
  return command === 'Typing'
    ? { ...user, typingSent: user.typingSent + 1, typingUntilMs: nowMs + TYPING_DURATION_MS }
    : { ...user, typingUntilMs: null };
}

const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** `YYYY-MM` of the instant in Asia/Shanghai (UTC+8 all year: China has no daylight saving time). */
export function shanghaiMonth(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);
}

/** What a mass send does for one recipient. */
export type MassOutcome = 'sent' | 'filtered-monthly-limit' | 'error-not-following';

/**
 * WeChat filters out followers who already received 4 mass messages this month (they count in
 * TotalCount, not in FilterCount) and fails the ones no longer following (ErrorCount).
 */
export function massOutcome(user: SimUser, nowMs: number): MassOutcome {
  if (!user.following) {
    return 'error-not-following';
  }
  return (user.massReceived[shanghaiMonth(nowMs)] ?? 0) >= MASS_MONTHLY_LIMIT
    ? 'filtered-monthly-limit'
    : 'sent';
}

export function afterMassSend(user: SimUser, nowMs: number): SimUser {
  const month = shanghaiMonth(nowMs);
  return {
    ...user,
    massReceived: { ...user.massReceived, [month]: (user.massReceived[month] ?? 0) + 1 },
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What `GET /sim/accounts/:appId/users/:openId` shows: state, open windows and counters. */
export function userView(user: SimUser, nowMs: number): Record<string, unknown> {
  const window = (kind: SendWindow): Record<string, unknown> => {
    const view = windowView(user, kind, nowMs);
    return {
      open: view.open,
      openedAt: iso(view.openedAtMs),
      endsAt: iso(view.endsAtMs),
      used: view.used,
      limit: view.limit,
    };
  };
  const verdict = customSendVerdict(user, nowMs);
  return {
    appId: user.appId,
    openId: user.openId,
    following: user.following,
    lastMessageAt: iso(user.lastMessageAtMs),
    lastPrompt:
      user.lastPromptKind === null
        ? null
        : { kind: user.lastPromptKind, at: iso(user.lastPromptAtMs) },
    lastInteractionAt: iso(user.lastInteractionAtMs),
    windows: { message: window('message'), prompt: window('prompt') },
    canSendCustom: verdict.ok,
    typingUntil: typingActive(user, nowMs) ? iso(user.typingUntilMs) : null,
    tagIds: [...user.tagIds],
    counts: {
      customSent: user.customSent,
      sendsSinceMessage: user.sendsSinceMessage,
      sendsSincePrompt: user.sendsSincePrompt,
      typing: user.typingSent,
      massThisMonth: user.massReceived[shanghaiMonth(nowMs)] ?? 0,
      massByMonth: { ...user.massReceived },
    },
  };
}

export type InteractionInput =
  | { ok: true; kind: InteractionKind; atMs: number }
  | { ok: false; problems: Record<string, string> };

/**
 * `{"kind","at"?}`: `at` an ISO time, by default the simulator's now; never in the simulator's
 * future, since WeChat only learns of what already happened.
 */
export function validateInteraction(
  input: Record<string, unknown>,
  nowMs: number,
): InteractionInput {
  const { kind, at } = input;
  const problems: Record<string, string> = {};
  if (!(INTERACTION_KINDS as readonly unknown[]).includes(kind)) {
    problems['kind'] = `must be one of ${INTERACTION_KINDS.join(', ')}`;
  }
  let atMs = nowMs;
  if (at !== undefined) {
    const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    if (Number.isNaN(parsed)) {
      problems['at'] = 'must be an ISO 8601 time';
    } else if (parsed > nowMs) {
      problems['at'] = `must not be after the simulator's now (${new Date(nowMs).toISOString()})`;
    } else {
      atMs = parsed;
    }
  }
  return Object.keys(problems).length > 0
    ? { ok: false, problems }
    : { ok: true, kind: kind as InteractionKind, atMs };
}
