import { NO_SENDS_YET } from '@wechat-desk/shared/reply-policy';

import { typingVerdict } from './typing-allowed';

const now = new Date('2026-12-06T08:00:00Z');
const secondsAgo = (s: number): Date => new Date(now.getTime() - s * 1000);
const input = {
  policy: 'desk-classic' as const,
  timeZone: 'Asia/Shanghai',
  now,
  requestedAt: secondsAgo(1),
  lastInteractionAt: secondsAgo(10),
  customer: { following: true, lastCustomerMessageAt: secondsAgo(10), lastPromptAt: null },
  counters: NO_SENDS_YET,
};

describe(typingVerdict.name, () => {
  it('shows typing within 30 s of the customer’s last interaction, in an open window', () => {
    expect(typingVerdict(input)).toBe('send');
    expect(typingVerdict({ ...input, lastInteractionAt: secondsAgo(30) })).toBe('send');
  });

  it('does not once 30 s have passed since the last interaction', () => {
    expect(typingVerdict({ ...input, lastInteractionAt: secondsAgo(31) })).toBe(
      'no-recent-interaction',
    );
    expect(typingVerdict({ ...input, lastInteractionAt: null })).toBe('no-recent-interaction');
  });

  it('drops a request older than the indicator’s 15 s', () => {
    expect(typingVerdict({ ...input, requestedAt: secondsAgo(16) })).toBe('stale');
  });

  it('does not when only a monthly message could be sent', () => {
    expect(
      typingVerdict({
        ...input,
        customer: { ...input.customer, lastCustomerMessageAt: secondsAgo(49 * 3600) },
      }),
    ).toBe('window-not-free');
  });

  it('does not for an unfollowed customer', () => {
    expect(typingVerdict({ ...input, customer: { ...input.customer, following: false } })).toBe(
      'window-not-free',
    );
  });
});
