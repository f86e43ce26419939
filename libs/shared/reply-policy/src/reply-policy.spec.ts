import {
  decideReply,
  DEFAULT_REPLY_POLICY,
  REPLY_POLICY_NAMES,
  replyPolicyRules,
  replyRefusalCode,
  type ReplyDecision,
  type ReplyPolicyName,
  type ReplyWindowState,
} from './reply-policy';

const MS = 1;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WINDOW = 48 * HOUR;

/** Mid-month in both Shanghai and UTC. */
const NOW = Date.parse('2026-11-20T06:00:00Z');
const at = (ms: number): Date => new Date(ms);

function state(overrides: Partial<ReplyWindowState> = {}): ReplyWindowState {
  return {
    policy: 'desk-classic',
    now: at(NOW),
    following: true,
    lastCustomerMessageAt: at(NOW - HOUR),
    sendsSinceCustomerMessage: 0,
    lastPromptAt: null,
    sendsSincePrompt: 0,
    monthlyUsed: 0,
    ...overrides,
  };
}

/** A decision in a word, for tables. */
function label(decision: ReplyDecision): string {
  return decision.kind === 'free'
    ? `free:${decision.window}`
    : decision.kind === 'quota'
      ? 'quota'
      : `closed:${decision.reason}`;
}

/** What the outbound worker does with a decision: consume the counter it names. */
function consume(current: ReplyWindowState, decision: ReplyDecision): ReplyWindowState {
  if (decision.kind === 'free') {
    return decision.window === 'customer-message'
      ? { ...current, sendsSinceCustomerMessage: current.sendsSinceCustomerMessage + 1 }
      : { ...current, sendsSincePrompt: current.sendsSincePrompt + 1 };
  }
  return decision.kind === 'quota' ? { ...current, monthlyUsed: current.monthlyUsed + 1 } : current;
}

/** Sends `count` times in a row; returns each decision's label and the state after them. */
function sendSeries(
  start: ReplyWindowState,
  count: number,
): { labels: string[]; after: ReplyWindowState } {
  let current = start;
  const labels: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const decision = decideReply(current);
    labels.push(label(decision));
    current = consume(current, decision);
  }
  return { labels, after: current };
}

const times = (n: number, value: string): string[] => Array.from({ length: n }, () => value);

describe(replyPolicyRules.name, () => {
  it('names the two policies, desk-classic by default', () => {
    expect(REPLY_POLICY_NAMES).toEqual(['desk-classic', 'wechat-2023']);
    expect(DEFAULT_REPLY_POLICY).toBe('desk-classic');
  });

  it.each([
    [
      'desk-classic' as const,
      {
        customerMessageWindow: { durationMs: 48 * HOUR, sendLimit: null },
        promptWindow: null,
        monthlyLimit: 4,
      },
    ],
    [
      'wechat-2023' as const,
      {
        customerMessageWindow: { durationMs: 48 * HOUR, sendLimit: 5 },
        promptWindow: { durationMs: MINUTE, sendLimit: 3 },
        monthlyLimit: 4,
      },
    ],
  ])('%s', (policy, rules) => {
    expect(replyPolicyRules(policy)).toEqual(rules);
  });

  it('throws on a policy that is not one of the names', () => {
    expect(() => replyPolicyRules('wechat-2030' as ReplyPolicyName)).toThrow(
      'Unexpected reply policy: "wechat-2030"',
    );
  });
});

describe(decideReply.name, () => {
  describe.each(REPLY_POLICY_NAMES)('the 48-hour window (%s)', (policy) => {
    const last = NOW - 10 * DAY;
    it.each([
      ['equal timestamps (0 elapsed)', 0, 'free:customer-message'],
      ['1 ms', MS, 'free:customer-message'],
      ['47 h 59 min 59 s', WINDOW - SECOND, 'free:customer-message'],
      ['48 h - 1 ms', WINDOW - MS, 'free:customer-message'],
      ['exactly 48 h (outside)', WINDOW, 'quota'],
      ['48 h + 1 ms', WINDOW + MS, 'quota'],
      ['48 h + 1 s', WINDOW + SECOND, 'quota'],
      ['10 days', 10 * DAY, 'quota'],
    ])('%s after the last customer message', (_label, elapsed, expected) => {
      const decision = decideReply(
        state({ policy, lastCustomerMessageAt: at(last), now: at(last + elapsed) }),
      );
      expect(label(decision)).toBe(expected);
    });

    it('is free until exactly 48 h after the last message', () => {
      expect(decideReply(state({ policy, lastCustomerMessageAt: at(NOW - HOUR) }))).toMatchObject({
        kind: 'free',
        windowOpenedAt: at(NOW - HOUR),
        windowEndsAt: at(NOW - HOUR + WINDOW),
        freeUntil: at(NOW - HOUR + WINDOW),
      });
    });

    it('counts a message timestamped after now (clock skew) as just written', () => {
      const future = NOW + 5 * SECOND;
      expect(decideReply(state({ policy, lastCustomerMessageAt: at(future) }))).toMatchObject({
        kind: 'free',
        window: 'customer-message',
        freeUntil: at(future + WINDOW),
      });
    });

    it('is reopened by a new customer message after the window had closed', () => {
      const closed = state({ policy, lastCustomerMessageAt: at(NOW - 3 * DAY), monthlyUsed: 4 });
      expect(label(decideReply(closed))).toBe('closed:MONTHLY_QUOTA_EXHAUSTED');
      const wroteAgain = {
        ...closed,
        lastCustomerMessageAt: at(NOW),
        sendsSinceCustomerMessage: 0,
      };
      expect(label(decideReply(wroteAgain))).toBe('free:customer-message');
    });
  });

  describe('desk-classic', () => {
    it.each([0, 1, 4, 5, 6, 100, 10_000])(
      'sends without limit within the window (%i sent already)',
      (sent) => {
        expect(decideReply(state({ sendsSinceCustomerMessage: sent }))).toEqual({
          kind: 'free',
          window: 'customer-message',
          windowOpenedAt: at(NOW - HOUR),
          windowEndsAt: at(NOW - HOUR + WINDOW),
          windowLimit: null,
          windowUsed: sent,
          remainingInWindow: null,
          freeUntil: at(NOW - HOUR + WINDOW),
        });
      },
    );

    it('sends 20 in a row within the window, none from the monthly quota', () => {
      const { labels, after } = sendSeries(state(), 20);
      expect(labels).toEqual(times(20, 'free:customer-message'));
      expect(after.monthlyUsed).toBe(0);
    });

    it.each([
      ['a follow 10 s ago', NOW - 10 * SECOND],
      ['a menu click at this very instant', NOW],
    ])('grants nothing for a prompt (%s) outside the window', (_label, promptAt) => {
      const decision = decideReply(
        state({ lastCustomerMessageAt: at(NOW - 3 * DAY), lastPromptAt: at(promptAt) }),
      );
      expect(label(decision)).toBe('quota');
    });
  });

  describe.each(REPLY_POLICY_NAMES)('the monthly quota outside the windows (%s)', (policy) => {
    const outside = { policy, lastCustomerMessageAt: at(NOW - 3 * DAY) };

    it.each([
      [0, 4],
      [1, 3],
      [2, 2],
      [3, 1],
    ])('allows a send with %i used (%i left)', (used, remaining) => {
      expect(decideReply(state({ ...outside, monthlyUsed: used }))).toEqual({
        kind: 'quota',
        monthKey: '2026-11',
        used,
        limit: 4,
        remaining,
      });
    });

    it.each([4, 5, 99])('refuses with %i used', (used) => {
      expect(decideReply(state({ ...outside, monthlyUsed: used }))).toEqual({
        kind: 'closed',
        reason: 'MONTHLY_QUOTA_EXHAUSTED',
      });
    });

    it('refuses the 5th send of the month', () => {
      const { labels, after } = sendSeries(state(outside), 6);
      expect(labels).toEqual([...times(4, 'quota'), ...times(2, 'closed:MONTHLY_QUOTA_EXHAUSTED')]);
      expect(after.monthlyUsed).toBe(4);
    });

    it.each([
      ['Asia/Shanghai', '2026-11-30T15:59:59.999Z', '2026-11'],
      ['Asia/Shanghai', '2026-11-30T16:00:00.000Z', '2026-12'],
      ['UTC', '2026-11-30T16:00:00.000Z', '2026-11'],
      ['UTC', '2026-12-01T00:00:00.000Z', '2026-12'],
      ['America/Los_Angeles', '2026-12-01T07:59:59.999Z', '2026-11'],
      ['America/Los_Angeles', '2026-12-01T08:00:00.000Z', '2026-12'],
    ])('in %s counts %s in %s', (timeZone, iso, key) => {
      const now = Date.parse(iso);
      const decision = decideReply(
        state({ policy, timeZone, now: at(now), lastCustomerMessageAt: at(now - 3 * DAY) }),
      );
      expect(decision).toMatchObject({ kind: 'quota', monthKey: key });
    });

    it('counts in Asia/Shanghai when no time zone is given', () => {
      const now = Date.parse('2026-11-30T16:00:00Z');
      const decision = decideReply(
        state({ policy, now: at(now), lastCustomerMessageAt: at(now - 3 * DAY) }),
      );
      expect(decision).toMatchObject({ kind: 'quota', monthKey: '2026-12' });
    });
  });

  describe('wechat-2023: 5 sends per customer message for 48 hours', () => {
    const policy = 'wechat-2023';

    it.each([
      [0, 5],
      [1, 4],
      [2, 3],
      [3, 2],
      [4, 1],
    ])('is free with %i sent since the message (%i left)', (sent, remaining) => {
      expect(decideReply(state({ policy, sendsSinceCustomerMessage: sent }))).toEqual({
        kind: 'free',
        window: 'customer-message',
        windowOpenedAt: at(NOW - HOUR),
        windowEndsAt: at(NOW - HOUR + WINDOW),
        windowLimit: 5,
        windowUsed: sent,
        remainingInWindow: remaining,
        freeUntil: at(NOW - HOUR + WINDOW),
      });
    });

    it.each([
      [5, 0, 'quota'],
      [6, 3, 'quota'],
      [5, 4, 'closed:MONTHLY_QUOTA_EXHAUSTED'],
    ])(
      'falls back to the monthly rule with %i sent (%i used this month)',
      (sent, used, expected) => {
        const decision = decideReply(
          state({ policy, sendsSinceCustomerMessage: sent, monthlyUsed: used }),
        );
        expect(label(decision)).toBe(expected);
      },
    );

    it('sends 5 free, then 4 monthly, then refuses', () => {
      const { labels } = sendSeries(state({ policy }), 11);
      expect(labels).toEqual([
        ...times(5, 'free:customer-message'),
        ...times(4, 'quota'),
        ...times(2, 'closed:MONTHLY_QUOTA_EXHAUSTED'),
      ]);
    });

    it('resets the count with each new customer message', () => {
      const first = sendSeries(state({ policy }), 5);
      expect(label(decideReply(first.after))).toBe('quota');
      const wroteAgain: ReplyWindowState = {
        ...first.after,
        lastCustomerMessageAt: at(NOW),
        sendsSinceCustomerMessage: 0,
      };
      const second = sendSeries(wroteAgain, 6);
      expect(second.labels).toEqual([...times(5, 'free:customer-message'), 'quota']);
    });
  });

  describe('wechat-2023: 3 sends within 1 minute after a follow, menu click or QR scan', () => {
    const policy = 'wechat-2023';
    /** The customer's last message is old: only the prompt window can be open. */
    const longAgo = at(NOW - 3 * DAY);

    it.each([
      ['equal timestamps', 0, 'free:prompt'],
      ['1 ms', MS, 'free:prompt'],
      ['59 s', MINUTE - SECOND, 'free:prompt'],
      ['1 min - 1 ms', MINUTE - MS, 'free:prompt'],
      ['exactly 1 min (outside)', MINUTE, 'quota'],
      ['1 min + 1 ms', MINUTE + MS, 'quota'],
      ['1 min + 1 s', MINUTE + SECOND, 'quota'],
    ])('%s after the prompt', (_label, elapsed, expected) => {
      const decision = decideReply(
        state({ policy, lastCustomerMessageAt: longAgo, lastPromptAt: at(NOW - elapsed) }),
      );
      expect(label(decision)).toBe(expected);
    });

    it.each([
      [0, 3],
      [1, 2],
      [2, 1],
    ])('is free with %i sent since the prompt (%i left)', (sent, remaining) => {
      const promptAt = NOW - 20 * SECOND;
      expect(
        decideReply(
          state({
            policy,
            lastCustomerMessageAt: longAgo,
            lastPromptAt: at(promptAt),
            sendsSincePrompt: sent,
          }),
        ),
      ).toEqual({
        kind: 'free',
        window: 'prompt',
        windowOpenedAt: at(promptAt),
        windowEndsAt: at(promptAt + MINUTE),
        windowLimit: 3,
        windowUsed: sent,
        remainingInWindow: remaining,
        freeUntil: at(promptAt + MINUTE),
      });
    });

    it.each(['a follow (subscribe)', 'a menu click', 'a QR scan'])(
      'after %s: 3 free sends, then the monthly quota',
      () => {
        const start = state({
          policy,
          lastCustomerMessageAt: longAgo,
          lastPromptAt: at(NOW - 5 * SECOND),
        });
        const { labels, after } = sendSeries(start, 5);
        expect(labels).toEqual([...times(3, 'free:prompt'), ...times(2, 'quota')]);
        expect(after).toMatchObject({ sendsSincePrompt: 3, monthlyUsed: 2 });
      },
    );

    it('resets the count with each new prompt', () => {
      const first = sendSeries(
        state({ policy, lastCustomerMessageAt: longAgo, lastPromptAt: at(NOW - 30 * SECOND) }),
        3,
      );
      expect(label(decideReply(first.after))).toBe('quota');
      const clickedAgain: ReplyWindowState = {
        ...first.after,
        lastPromptAt: at(NOW),
        sendsSincePrompt: 0,
      };
      expect(sendSeries(clickedAgain, 4).labels).toEqual([...times(3, 'free:prompt'), 'quota']);
    });

    it('takes the prompt window first when both are open, as it ends first', () => {
      const start = state({ policy, lastPromptAt: at(NOW - 10 * SECOND) });
      expect(decideReply(start)).toMatchObject({
        kind: 'free',
        window: 'prompt',
        windowEndsAt: at(NOW - 10 * SECOND + MINUTE),
        remainingInWindow: 3,
        freeUntil: at(NOW - HOUR + WINDOW),
      });
      const { labels } = sendSeries(start, 9);
      expect(labels).toEqual([
        ...times(3, 'free:prompt'),
        ...times(5, 'free:customer-message'),
        'quota',
      ]);
    });

    it('takes the customer-message window first when it ends first (its last seconds)', () => {
      const messageAt = NOW - WINDOW + 30 * SECOND;
      const decision = decideReply(
        state({ policy, lastCustomerMessageAt: at(messageAt), lastPromptAt: at(NOW) }),
      );
      expect(decision).toMatchObject({
        kind: 'free',
        window: 'customer-message',
        windowEndsAt: at(NOW + 30 * SECOND),
        freeUntil: at(NOW + MINUTE),
      });
    });

    it('uses the customer-message window once the prompt window has expired', () => {
      const decision = decideReply(state({ policy, lastPromptAt: at(NOW - 2 * MINUTE) }));
      expect(decision).toMatchObject({ kind: 'free', window: 'customer-message' });
    });

    it('uses the prompt window while the customer-message window has no slots left', () => {
      const decision = decideReply(
        state({ policy, sendsSinceCustomerMessage: 5, lastPromptAt: at(NOW - 10 * SECOND) }),
      );
      expect(decision).toMatchObject({
        kind: 'free',
        window: 'prompt',
        freeUntil: at(NOW - 10 * SECOND + MINUTE),
      });
    });

    it('falls back to the monthly rule when both windows are used up', () => {
      const decision = decideReply(
        state({
          policy,
          sendsSinceCustomerMessage: 5,
          lastPromptAt: at(NOW - 10 * SECOND),
          sendsSincePrompt: 3,
          monthlyUsed: 1,
        }),
      );
      expect(decision).toEqual({
        kind: 'quota',
        monthKey: '2026-11',
        used: 1,
        limit: 4,
        remaining: 3,
      });
    });
  });

  describe.each(REPLY_POLICY_NAMES)('customers the agent cannot reach (%s)', (policy) => {
    it.each([
      ['never wrote', { lastCustomerMessageAt: null }, 'NEVER_WROTE'],
      [
        'never wrote, though they just followed',
        { lastCustomerMessageAt: null, lastPromptAt: at(NOW) },
        'NEVER_WROTE',
      ],
      [
        'never wrote and does not follow',
        { lastCustomerMessageAt: null, following: false },
        'NEVER_WROTE',
      ],
      ['unfollowed, inside the window', { following: false }, 'NOT_FOLLOWING'],
      [
        'unfollowed, outside the window',
        { following: false, lastCustomerMessageAt: at(NOW - 3 * DAY) },
        'NOT_FOLLOWING',
      ],
      [
        'unfollowed, right after a prompt',
        { following: false, lastPromptAt: at(NOW - SECOND) },
        'NOT_FOLLOWING',
      ],
    ] as const)('refuses a customer who %s', (_label, overrides, reason) => {
      expect(decideReply(state({ policy, ...overrides }))).toEqual({ kind: 'closed', reason });
    });

    it.each([
      ['inside the window', NOW - HOUR, 'free:customer-message'],
      ['outside the window', NOW - 3 * DAY, 'quota'],
    ])('treats unknown following as following, %s', (_label, lastMessage, expected) => {
      const decision = decideReply(
        state({ policy, following: null, lastCustomerMessageAt: at(lastMessage) }),
      );
      expect(label(decision)).toBe(expected);
    });
  });

  describe.each(REPLY_POLICY_NAMES)('WeChat’s verdict wins (%s)', (policy) => {
    const messageAt = NOW - HOUR;

    it.each([
      ['after the message', messageAt + MINUTE, 'quota'],
      ['at the message’s very instant', messageAt, 'quota'],
      ['before the message', messageAt - MS, 'free:customer-message'],
      ['never', null, 'free:customer-message'],
    ])('a 45015/45047 refusal %s', (_label, refusedAt, expected) => {
      const decision = decideReply(
        state({
          policy,
          lastCustomerMessageAt: at(messageAt),
          wechatRefusedAt: refusedAt === null ? null : at(refusedAt),
        }),
      );
      expect(label(decision)).toBe(expected);
    });

    it('closes the window until the customer writes again', () => {
      const refused = state({ policy, wechatRefusedAt: at(NOW - MINUTE), monthlyUsed: 4 });
      expect(label(decideReply(refused))).toBe('closed:MONTHLY_QUOTA_EXHAUSTED');
      const wroteAgain = { ...refused, lastCustomerMessageAt: at(NOW - SECOND) };
      expect(label(decideReply(wroteAgain))).toBe('free:customer-message');
    });
  });

  describe('WeChat’s verdict on the prompt window (wechat-2023)', () => {
    it.each([
      ['a refusal after the prompt closes it', NOW - 10 * SECOND, 'quota'],
      ['a newer prompt opens a new one', NOW - 30 * SECOND, 'free:prompt'],
    ])('%s', (_label, refusedAt, expected) => {
      const decision = decideReply(
        state({
          policy: 'wechat-2023',
          lastCustomerMessageAt: at(NOW - 3 * DAY),
          lastPromptAt: at(NOW - 20 * SECOND),
          wechatRefusedAt: at(refusedAt),
        }),
      );
      expect(label(decision)).toBe(expected);
    });
  });

  describe('invalid input', () => {
    it.each(['Mars/Olympus', '', 'Asia/Shangai'])(
      'refuses the time zone %j even inside the window',
      (timeZone) => {
        const call = (): ReplyDecision => decideReply(state({ timeZone }));
        expect(call).toThrow(RangeError);
        expect(call).toThrow(`Unknown IANA time zone ${JSON.stringify(timeZone)}`);
      },
    );

    it.each([
      ['sendsSinceCustomerMessage', -1],
      ['sendsSincePrompt', 1.5],
      ['monthlyUsed', Number.NaN],
      ['monthlyUsed', Number.POSITIVE_INFINITY],
    ] as const)('refuses %s = %d', (field, value) => {
      expect(() => decideReply(state({ [field]: value }))).toThrow(
        new RangeError(`${field} must be a non-negative integer, got ${value}`),
      );
    });

    it.each(['now', 'lastCustomerMessageAt', 'lastPromptAt', 'wechatRefusedAt'] as const)(
      'refuses an invalid %s',
      (field) => {
        expect(() => decideReply(state({ [field]: new Date(Number.NaN) }))).toThrow(
          new RangeError(`${field} must be a valid date`),
        );
      },
    );
  });
});

describe(replyRefusalCode.name, () => {
  it.each([
    ['NEVER_WROTE', 'REPLY_WINDOW_CLOSED'],
    ['NOT_FOLLOWING', 'REPLY_WINDOW_CLOSED'],
    ['MONTHLY_QUOTA_EXHAUSTED', 'MONTHLY_QUOTA_EXHAUSTED'],
  ] as const)('%s → 409 %s', (reason, code) => {
    expect(replyRefusalCode(reason)).toBe(code);
  });
});
