import type { ReplyWindowFacts } from '@wechat-desk/desk/data-access';

import { closedWindowMessage, ticketReplyWindow } from './reply-window.view';

const now = new Date('2026-12-06T08:00:00Z');
const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 3_600_000);
const TZ = 'Asia/Shanghai';

const facts = (overrides: Partial<ReplyWindowFacts> = {}): ReplyWindowFacts => ({
  contactId: 'c',
  policy: 'desk-classic',
  enabled: true,
  customer: {
    following: true,
    followingChangedAt: null,
    lastCustomerMessageAt: hoursAgo(1),
    lastPromptAt: null,
    lastInteractionAt: hoursAgo(1),
  },
  counters: null,
  ...overrides,
});

describe(ticketReplyWindow.name, () => {
  it('is free until 48 h after the customer’s last message', () => {
    expect(ticketReplyWindow(facts(), TZ, now)).toEqual({
      policy: 'desk-classic',
      mode: 'free',
      freeUntil: new Date(hoursAgo(1).getTime() + 48 * 3_600_000).toISOString(),
      monthly: { limit: 4, used: 0, remaining: 4 },
      freeSendsLeft: null,
    });
  });

  it('counts the monthly sends outbound reported, in their month', () => {
    const window = ticketReplyWindow(
      facts({
        customer: { ...facts().customer, lastCustomerMessageAt: hoursAgo(49) },
        counters: {
          customerWindowOpenedAt: null,
          customerWindowUsed: 0,
          promptWindowOpenedAt: null,
          promptWindowUsed: 0,
          monthKey: '2026-12',
          monthlyUsed: 3,
          wechatRefusedAt: null,
        },
      }),
      TZ,
      now,
    );
    expect(window).toMatchObject({ mode: 'quota', monthly: { used: 3, remaining: 1 } });
  });

  it('is closed with MONTHLY_QUOTA_EXHAUSTED once the 4 are used', () => {
    const window = ticketReplyWindow(
      facts({
        customer: { ...facts().customer, lastCustomerMessageAt: hoursAgo(49) },
        counters: {
          customerWindowOpenedAt: null,
          customerWindowUsed: 0,
          promptWindowOpenedAt: null,
          promptWindowUsed: 0,
          monthKey: '2026-12',
          monthlyUsed: 4,
          wechatRefusedAt: null,
        },
      }),
      TZ,
      now,
    );
    expect(window).toMatchObject({
      mode: 'closed',
      reason: 'MONTHLY_QUOTA_EXHAUSTED',
      code: 'MONTHLY_QUOTA_EXHAUSTED',
    });
    expect(closedWindowMessage(window, now, TZ)).toContain(
      'they reset on 1 January (Asia/Shanghai)',
    );
  });

  it('is closed for a customer who unfollowed, or never wrote', () => {
    expect(
      ticketReplyWindow(facts({ customer: { ...facts().customer, following: false } }), TZ, now),
    ).toMatchObject({ mode: 'closed', reason: 'NOT_FOLLOWING', code: 'REPLY_WINDOW_CLOSED' });
    expect(
      ticketReplyWindow(
        facts({ customer: { ...facts().customer, lastCustomerMessageAt: null } }),
        TZ,
        now,
      ),
    ).toMatchObject({ mode: 'closed', reason: 'NEVER_WROTE', code: 'REPLY_WINDOW_CLOSED' });
  });

  it('is closed on a disabled or unknown channel', () => {
    expect(ticketReplyWindow(facts({ enabled: false }), TZ, now)).toMatchObject({
      mode: 'closed',
      code: 'CHANNEL_DISABLED',
    });
    expect(ticketReplyWindow(undefined, TZ, now)).toMatchObject({
      mode: 'closed',
      code: 'CHANNEL_DISABLED',
    });
  });

  it('shows wechat-2023’s free sends left, and closes the window WeChat closed', () => {
    const opened = hoursAgo(1);
    const counters = {
      customerWindowOpenedAt: opened,
      customerWindowUsed: 3,
      promptWindowOpenedAt: null,
      promptWindowUsed: 0,
      monthKey: '2026-12',
      monthlyUsed: 0,
      wechatRefusedAt: null,
    };
    expect(ticketReplyWindow(facts({ policy: 'wechat-2023', counters }), TZ, now)).toMatchObject({
      mode: 'free',
      freeSendsLeft: 2,
    });
    expect(
      ticketReplyWindow(
        facts({ counters: { ...counters, wechatRefusedAt: hoursAgo(0.5) } }),
        TZ,
        now,
      ),
    ).toMatchObject({ mode: 'quota' });
  });
});
