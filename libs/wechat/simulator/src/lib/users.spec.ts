import {
  afterCustomSend,
  afterMassSend,
  afterTyping,
  applyInteraction,
  customSendVerdict,
  type InteractionKind,
  MASS_MONTHLY_LIMIT,
  massOutcome,
  newUser,
  shanghaiMonth,
  type SimUser,
  typingVerdict,
  userView,
  validateInteraction,
} from './users';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const S = 1000;
const H = 3600 * S;

function userAfter(...steps: [InteractionKind, number][]): SimUser {
  return steps.reduce(
    (user, [kind, at]) => applyInteraction(user, kind, at),
    newUser('wx0123456789abcdef', 'oA'),
  );
}

/** Sends n accepted messages at `at`, failing if one is refused. */
function sendN(user: SimUser, n: number, at: number): SimUser {
  let current = user;
  for (let i = 0; i < n; i += 1) {
    const verdict = customSendVerdict(current, at);
    if (!verdict.ok) {
      throw new Error(`send ${i + 1} refused: ${verdict.error}`);
    }
    current = afterCustomSend(current, verdict.window);
  }
  return current;
}

describe('WeChat sending rules for one user', () => {
  describe('the 48-hour window of a user message', () => {
    const user = userAfter(['message', T0]);

    it('is open from the message to 1 s before 48 h, closed at 48 h sharp', () => {
      expect(customSendVerdict(user, T0)).toEqual({ ok: true, window: 'message' });
      expect(customSendVerdict(user, T0 + 48 * H - S)).toEqual({ ok: true, window: 'message' });
      expect(customSendVerdict(user, T0 + 48 * H)).toEqual({
        ok: false,
        error: 'responseOutOfTimeLimit',
      });
    });

    it('allows 5 sends, then answers 45047 until the next message resets the count', () => {
      const used = sendN(user, 5, T0 + H);
      expect(used.sendsSinceMessage).toBe(5);
      expect(customSendVerdict(used, T0 + H)).toEqual({ ok: false, error: 'responseCountLimit' });
      // Once the window is over it is "out of time", not "out of count".
      expect(customSendVerdict(used, T0 + 48 * H)).toEqual({
        ok: false,
        error: 'responseOutOfTimeLimit',
      });
      const again = applyInteraction(used, 'message', T0 + 2 * H);
      expect(again.sendsSinceMessage).toBe(0);
      expect(customSendVerdict(sendN(again, 4, T0 + 2 * H), T0 + 50 * H - S).ok).toBe(true);
      expect(customSendVerdict(again, T0 + 50 * H).ok).toBe(false);
    });

    it('is not reopened or reset by a message recorded late (older than the last one)', () => {
      const used = sendN(user, 5, T0);
      const late = applyInteraction(used, 'message', T0 - H);
      expect(late.lastMessageAtMs).toBe(T0);
      expect(late.sendsSinceMessage).toBe(5);
    });
  });

  describe.each(['follow', 'menu', 'scan'] as const)('the 1-minute window of a %s', (kind) => {
    const user = userAfter([kind, T0]);

    it('allows 3 sends within 59 s, and none at 60 s', () => {
      expect(customSendVerdict(user, T0 + 59 * S)).toEqual({ ok: true, window: 'prompt' });
      expect(customSendVerdict(user, T0 + 60 * S)).toEqual({
        ok: false,
        error: 'responseOutOfTimeLimit',
      });
      const used = sendN(user, 3, T0 + 10 * S);
      expect(customSendVerdict(used, T0 + 10 * S)).toEqual({
        ok: false,
        error: 'responseCountLimit',
      });
      expect(userView(used, T0).lastPrompt).toEqual({ kind, at: new Date(T0).toISOString() });
    });
  });

  it('counts a send in the prompt window first, then in the message window', () => {
    const user = userAfter(['message', T0], ['menu', T0 + H]);
    const afterPrompt = sendN(user, 3, T0 + H);
    expect(afterPrompt).toMatchObject({ sendsSincePrompt: 3, sendsSinceMessage: 0 });
    const all = sendN(afterPrompt, 5, T0 + H);
    expect(all).toMatchObject({ sendsSincePrompt: 3, sendsSinceMessage: 5, customSent: 8 });
    expect(customSendVerdict(all, T0 + H)).toEqual({ ok: false, error: 'responseCountLimit' });
  });

  it('a menu click does not reset the 5 sends of the message window', () => {
    const used = sendN(userAfter(['message', T0]), 5, T0);
    const clicked = applyInteraction(used, 'menu', T0 + 2 * H);
    expect(clicked.sendsSinceMessage).toBe(5);
    const prompt = sendN(clicked, 3, T0 + 2 * H);
    expect(customSendVerdict(prompt, T0 + 2 * H).ok).toBe(false);
  });

  it('refuses a user who unfollowed (43004) even inside a window; a new follow reopens', () => {
    const gone = userAfter(['message', T0], ['unfollow', T0 + S]);
    expect(customSendVerdict(gone, T0 + 2 * S)).toEqual({ ok: false, error: 'requireSubscribe' });
    const back = applyInteraction(gone, 'follow', T0 + 3 * S);
    expect(customSendVerdict(back, T0 + 3 * S).ok).toBe(true);
  });

  it('refuses a follower who never interacted (45015)', () => {
    const follower = { ...newUser('wx0123456789abcdef', 'oA'), following: true };
    expect(customSendVerdict(follower, T0)).toEqual({ ok: false, error: 'responseOutOfTimeLimit' });
  });

  describe('typing', () => {
    const user = userAfter(['message', T0]);

    it('needs an interaction within the last 30 s (29 s yes, 30 s no)', () => {
      expect(typingVerdict(user, 'Typing', T0 + 29 * S)).toEqual({ ok: true });
      expect(typingVerdict(user, 'Typing', T0 + 30 * S)).toEqual({
        ok: false,
        error: 'responseOutOfTimeLimit',
      });
    });

    it('cannot be re-sent while the 15 s indicator shows; a message ends it', () => {
      const typing = afterTyping(user, 'Typing', T0);
      expect(typingVerdict(typing, 'Typing', T0 + 14 * S)).toEqual({
        ok: false,
        error: 'responseCountLimit',
      });
      expect(typingVerdict(typing, 'Typing', T0 + 15 * S)).toEqual({ ok: true });
      const sent = afterCustomSend(typing, 'message');
      expect(typingVerdict(sent, 'Typing', T0 + S)).toEqual({ ok: true });
      expect(typingVerdict(afterTyping(typing, 'CancelTyping', T0), 'Typing', T0 + S).ok).toBe(
        true,
      );
    });

    it('needs a window a message could be sent in, counted before the 30 s', () => {
      const used = sendN(user, 5, T0);
      expect(typingVerdict(used, 'Typing', T0 + S)).toEqual({
        ok: false,
        error: 'responseCountLimit',
      });
      const gone = applyInteraction(user, 'unfollow', T0);
      expect(typingVerdict(gone, 'Typing', T0)).toEqual({ ok: false, error: 'requireSubscribe' });
      expect(typingVerdict(gone, 'CancelTyping', T0)).toEqual({ ok: true });
    });
  });

  describe('mass messages per calendar month in Asia/Shanghai', () => {
    it('turns the month at 16:00:00 UTC of the last day (midnight in Shanghai)', () => {
      expect(shanghaiMonth(Date.UTC(2026, 0, 31, 15, 59, 59))).toBe('2026-01');
      expect(shanghaiMonth(Date.UTC(2026, 0, 31, 16, 0, 0))).toBe('2026-02');
      expect(shanghaiMonth(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01');
    });

    it('lets 4 through per month, filters the 5th, and starts again the next month', () => {
      const lastSecond = Date.UTC(2026, 0, 31, 15, 59, 59);
      let user = userAfter(['follow', T0]);
      for (let i = 0; i < MASS_MONTHLY_LIMIT; i += 1) {
        expect(massOutcome(user, lastSecond)).toBe('sent');
        user = afterMassSend(user, lastSecond);
      }
      expect(massOutcome(user, lastSecond)).toBe('filtered-monthly-limit');
      expect(massOutcome(user, lastSecond + S)).toBe('sent');
      expect(userView(user, lastSecond).counts).toMatchObject({
        massThisMonth: 4,
        massByMonth: { '2026-01': 4 },
      });
    });

    it('fails a user no longer following', () => {
      expect(massOutcome(userAfter(['message', T0], ['unfollow', T0]), T0)).toBe(
        'error-not-following',
      );
    });
  });

  describe(validateInteraction.name, () => {
    it('defaults to now and takes a past ISO time', () => {
      expect(validateInteraction({ kind: 'message' }, T0)).toEqual({
        ok: true,
        kind: 'message',
        atMs: T0,
      });
      expect(validateInteraction({ kind: 'scan', at: '2026-01-10T11:00:00Z' }, T0)).toEqual({
        ok: true,
        kind: 'scan',
        atMs: T0 - H,
      });
    });

    it('refuses unknown kinds, bad times and times after now', () => {
      expect(validateInteraction({ kind: 'view' }, T0)).toMatchObject({
        ok: false,
        problems: { kind: expect.any(String) },
      });
      expect(validateInteraction({ kind: 'message', at: 'yesterday' }, T0)).toMatchObject({
        ok: false,
        problems: { at: expect.any(String) },
      });
      expect(
        validateInteraction({ kind: 'message', at: new Date(T0 + S).toISOString() }, T0),
      ).toMatchObject({ ok: false, problems: { at: expect.any(String) } });
    });
  });

  it('shows the windows as they are now', () => {
    const view = userView(sendN(userAfter(['message', T0]), 2, T0), T0 + H);
    expect(view).toMatchObject({
      following: true,
      lastMessageAt: '2026-01-10T12:00:00.000Z',
      lastPrompt: null,
      canSendCustom: true,
      windows: {
        message: { open: true, endsAt: '2026-01-12T12:00:00.000Z', used: 2, limit: 5 },
        prompt: { open: false, openedAt: null, used: 0, limit: 3 },
      },
      counts: { customSent: 2, sendsSinceMessage: 2 },
    });
  });
});
