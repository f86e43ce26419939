import { decideReply } from './reply-policy';
import { laterOf, NO_SENDS_YET, replyWindowState, type WindowCounters } from './window-counters';

const at = (iso: string): Date => new Date(iso);
const message = at('2026-12-05T10:00:00Z');
const customer = { following: true, lastCustomerMessageAt: message, lastPromptAt: null };
const base = {
  policy: 'wechat-2023' as const,
  timeZone: 'Asia/Shanghai',
  now: at('2026-12-05T12:00:00Z'),
  customer,
};

describe(replyWindowState.name, () => {
  it('counts the sends of the window the customer is in', () => {
    const counters: WindowCounters = {
      ...NO_SENDS_YET,
      customerWindowOpenedAt: message,
      customerWindowUsed: 5,
    };
    const state = replyWindowState({ ...base, counters });
    expect(state.sendsSinceCustomerMessage).toBe(5);
    expect(decideReply(state).kind).toBe('quota');
  });

  it('counts zero once a newer customer message opened a new window', () => {
    const counters: WindowCounters = {
      ...NO_SENDS_YET,
      customerWindowOpenedAt: at('2026-12-04T10:00:00Z'),
      customerWindowUsed: 5,
    };
    const state = replyWindowState({ ...base, counters });
    expect(state.sendsSinceCustomerMessage).toBe(0);
    expect(decideReply(state).kind).toBe('free');
  });

  it('counts the prompt window the same way', () => {
    const prompt = at('2026-12-05T11:59:30Z');
    const counters = { ...NO_SENDS_YET, promptWindowOpenedAt: prompt, promptWindowUsed: 2 };
    expect(
      replyWindowState({ ...base, customer: { ...customer, lastPromptAt: prompt }, counters })
        .sendsSincePrompt,
    ).toBe(2);
    expect(
      replyWindowState({
        ...base,
        customer: { ...customer, lastPromptAt: at('2026-12-05T11:59:40Z') },
        counters,
      }).sendsSincePrompt,
    ).toBe(0);
  });

  it('counts the monthly sends only in their month, on the quota time zone', () => {
    const counters = { ...NO_SENDS_YET, monthKey: '2026-11', monthlyUsed: 4 };
    // 2026-11-30T16:30Z is still November in UTC but already December in Shanghai.
    const now = at('2026-11-30T16:30:00Z');
    expect(replyWindowState({ ...base, now, counters }).monthlyUsed).toBe(0);
    expect(replyWindowState({ ...base, now, timeZone: 'UTC', counters }).monthlyUsed).toBe(4);
  });

  it('passes the customer facts and WeChat’s last refusal through', () => {
    const refusedAt = at('2026-12-05T11:00:00Z');
    const state = replyWindowState({
      ...base,
      customer: { ...customer, following: false },
      counters: { ...NO_SENDS_YET, wechatRefusedAt: refusedAt },
    });
    expect(state).toMatchObject({ following: false, wechatRefusedAt: refusedAt });
  });
});

describe(laterOf.name, () => {
  it('keeps the later instant, and whichever is known', () => {
    const a = at('2026-12-05T10:00:00Z');
    const b = at('2026-12-05T10:00:01Z');
    expect(laterOf(a, b)).toBe(b);
    expect(laterOf(b, a)).toBe(b);
    expect(laterOf(null, a)).toBe(a);
    expect(laterOf(a, null)).toBe(a);
    expect(laterOf(null, null)).toBeNull();
  });
});
