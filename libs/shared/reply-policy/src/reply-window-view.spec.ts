import type { ReplyWindowState } from './reply-policy';
import { replyWindowView } from './reply-window-view';

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;
const DAY = 24 * HOUR;
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
    monthlyUsed: 1,
    ...overrides,
  };
}

describe(replyWindowView.name, () => {
  it.each([
    [
      'free within 48 h (desk-classic)',
      {},
      {
        policy: 'desk-classic',
        mode: 'free',
        freeUntil: '2026-11-22T05:00:00.000Z',
        monthly: { limit: 4, used: 1, remaining: 3 },
      },
    ],
    [
      'free until the end of the longest open window (wechat-2023)',
      { policy: 'wechat-2023', lastPromptAt: at(NOW - 10 * SECOND) },
      {
        policy: 'wechat-2023',
        mode: 'free',
        freeUntil: '2026-11-22T05:00:00.000Z',
        monthly: { limit: 4, used: 1, remaining: 3 },
      },
    ],
    [
      'free for the rest of the minute after a follow (wechat-2023)',
      {
        policy: 'wechat-2023',
        lastCustomerMessageAt: at(NOW - 3 * DAY),
        lastPromptAt: at(NOW - 10 * SECOND),
      },
      {
        policy: 'wechat-2023',
        mode: 'free',
        freeUntil: '2026-11-20T06:00:50.000Z',
        monthly: { limit: 4, used: 1, remaining: 3 },
      },
    ],
    [
      'quota after 48 h',
      { lastCustomerMessageAt: at(NOW - 3 * DAY), monthlyUsed: 3 },
      {
        policy: 'desk-classic',
        mode: 'quota',
        freeUntil: null,
        monthly: { limit: 4, used: 3, remaining: 1 },
      },
    ],
    [
      'quota once the 5 window sends are used (wechat-2023)',
      { policy: 'wechat-2023', sendsSinceCustomerMessage: 5, monthlyUsed: 0 },
      {
        policy: 'wechat-2023',
        mode: 'quota',
        freeUntil: null,
        monthly: { limit: 4, used: 0, remaining: 4 },
      },
    ],
    [
      'closed when the month is used up',
      { lastCustomerMessageAt: at(NOW - 3 * DAY), monthlyUsed: 4 },
      {
        policy: 'desk-classic',
        mode: 'closed',
        freeUntil: null,
        monthly: { limit: 4, used: 4, remaining: 0 },
      },
    ],
    [
      'closed, never negative, when more were counted than the limit',
      { lastCustomerMessageAt: at(NOW - 3 * DAY), monthlyUsed: 6 },
      {
        policy: 'desk-classic',
        mode: 'closed',
        freeUntil: null,
        monthly: { limit: 4, used: 6, remaining: 0 },
      },
    ],
    [
      'closed for a customer who never wrote',
      { lastCustomerMessageAt: null, monthlyUsed: 0 },
      {
        policy: 'desk-classic',
        mode: 'closed',
        freeUntil: null,
        monthly: { limit: 4, used: 0, remaining: 4 },
      },
    ],
    [
      'closed for a customer who unfollowed',
      { following: false },
      {
        policy: 'desk-classic',
        mode: 'closed',
        freeUntil: null,
        monthly: { limit: 4, used: 1, remaining: 3 },
      },
    ],
  ] as const)('%s', (_label, overrides, expected) => {
    expect(replyWindowView(state(overrides))).toEqual(expected);
  });

  it('is plain JSON, exactly the API shape', () => {
    const view = replyWindowView(state());
    expect(Object.keys(view)).toEqual(['policy', 'mode', 'freeUntil', 'monthly']);
    expect(Object.keys(view.monthly)).toEqual(['limit', 'used', 'remaining']);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it('refuses an unknown time zone like the decision does', () => {
    expect(() => replyWindowView(state({ timeZone: 'Mars/Olympus' }))).toThrow(
      'Unknown IANA time zone "Mars/Olympus"',
    );
  });
});
