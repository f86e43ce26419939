import { randomUUID } from 'node:crypto';

import { sendPush, textMessage } from '@wechat-desk/wechat/push-client';
import { waitFor } from '@wechat-desk/shared/testing';

import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

/**
 * Agents' replies through the real services as processes, judged by the simulator, which
 * enforces WeChat's own rules: free sends in the window, the monthly quota outside it through a
 * one-member tag and a mass send, and WeChat's refusals in words on the message.
 */

interface TicketResponse {
  id: string;
  contact: { openId: string };
  replyWindow: ReplyWindow | null;
}
interface ReplyWindow {
  policy: string;
  mode: 'free' | 'quota' | 'closed';
  freeUntil: string | null;
  monthly: { limit: number; used: number; remaining: number };
  code?: string;
}
interface MessageResponse {
  id: string;
  direction: 'in' | 'out';
  text?: string;
  status?: 'queued' | 'sent' | 'failed';
  failure?: { code: string; message: string };
}
interface Delivery {
  source: 'custom' | 'mass';
  msgtype: string;
  payload: { content?: string };
}

const ACCOUNT = {
  appId: 'wx0b7b0b7b0b7b0b7b',
  appSecret: 'fedcba9876543210fedcba9876543210',
  originalId: 'gh_0b7b0b7b0b7b',
};
const HOUR_MS = 3_600_000;

describe('replies to WeChat, end to end', () => {
  const system = new SystemUnderTest();
  const session = new DeskSession(system);
  const desk = <T>(method: string, path: string, body?: unknown) =>
    session.request<T>(method, path, body);
  let channel: ChannelResponse;

  const sim = (path: string, init?: RequestInit) =>
    fetch(`${system.urls['wechat-sim']}${path}`, init);

  /** A customer writes on WeChat `hoursAgo` ago: the push reaches the ingress, WeChat remembers it. */
  async function customerWrites(
    hoursAgo: number,
    text: string,
  ): Promise<{ openId: string; ticketId: string }> {
    const openId = `oE2eOut_${randomUUID().slice(0, 10)}`;
    const at = new Date(Date.now() - hoursAgo * HOUR_MS);
    for (const kind of ['follow', 'message']) {
      const recorded = await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}/interactions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          kind,
          at: new Date(at.getTime() - (kind === 'follow' ? 60_000 : 0)).toISOString(),
        }),
      });
      expect(recorded.status).toBe(200);
    }
    const pushed = await sendPush(
      pushTargetOf(system, channel, openId),
      textMessage({
        toUserName: ACCOUNT.originalId,
        fromUserName: openId,
        content: text,
        msgId: String(7_300_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12))),
        createTime: Math.floor(at.getTime() / 1000),
      }),
    );
    expect(pushed).toMatchObject({ status: 200, body: 'success' });
    const ticket = await waitFor(
      async () => {
        const list = await desk<{ items: TicketResponse[] }>('GET', '/tickets?limit=100');
        return list.body.items.find((item) => item.contact.openId === openId) ?? null;
      },
      { timeoutMs: 20_000, description: 'the ticket appears' },
    );
    return { openId, ticketId: ticket.id };
  }

  const replyWindow = async (ticketId: string): Promise<ReplyWindow> =>
    (await desk<ReplyWindow>('GET', `/tickets/${ticketId}/reply-window`)).body;

  async function replyAndSettle(ticketId: string, text: string): Promise<MessageResponse> {
    const posted = await desk<{ id: string }>('POST', `/tickets/${ticketId}/messages`, {
      type: 'text',
      text,
    });
    expect(posted.status).toBe(202);
    return waitFor(
      async () => {
        const list = await desk<{ items: MessageResponse[] }>(
          'GET',
          `/tickets/${ticketId}/messages`,
        );
        const out = list.body.items.find((message) => message.id === posted.body.id);
        return out?.status === 'sent' || out?.status === 'failed' ? out : null;
      },
      { timeoutMs: 20_000, description: `reply "${text}" settles` },
    );
  }

  const deliveries = async (openId: string): Promise<Delivery[]> =>
    (
      (await (await sim(`/sim/deliveries?appId=${ACCOUNT.appId}&openId=${openId}`)).json()) as {
        items: Delivery[];
      }
    ).items;

  beforeAll(async () => {
    await system.start('outbound-replies');
    await session.signIn();
    channel = await session.createChannel(ACCOUNT, 'Replies account');
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('within 48 hours: free, through the customer-service API, exactly once', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Where is my parcel?');
    const before = await replyWindow(ticketId);
    expect(before).toMatchObject({
      policy: 'desk-classic',
      mode: 'free',
      monthly: { used: 0, remaining: 4 },
    });

    const sent = await replyAndSettle(ticketId, 'It left the warehouse today.');

    expect(sent).toMatchObject({ status: 'sent', direction: 'out' });
    expect(await deliveries(openId)).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'text',
        payload: { content: 'It left the warehouse today.' },
      }),
    ]);
  });

  it('after 48 hours: 4 monthly messages through a one-member tag, then 409 MONTHLY_QUOTA_EXHAUSTED before WeChat is called', async () => {
    const { openId, ticketId } = await customerWrites(49, 'Hello?');
    expect(await replyWindow(ticketId)).toMatchObject({
      mode: 'quota',
      freeUntil: null,
      monthly: { used: 0, remaining: 4 },
    });

    for (let i = 1; i <= 4; i += 1) {
      expect(await replyAndSettle(ticketId, `Monthly answer ${i}`)).toMatchObject({
        status: 'sent',
      });
    }

    const received = await deliveries(openId);
    expect(received.map((delivery) => [delivery.source, delivery.payload.content])).toEqual(
      [1, 2, 3, 4].map((i) => ['mass', `Monthly answer ${i}`]),
    );
    const closed = await waitFor(
      async () => {
        const window = await replyWindow(ticketId);
        return window.mode === 'closed' ? window : null;
      },
      { timeoutMs: 10_000, description: 'the desk learns the quota is used up' },
    );
    expect(closed).toMatchObject({
      code: 'MONTHLY_QUOTA_EXHAUSTED',
      monthly: { used: 4, remaining: 0 },
    });
    const refused = await desk<{ error: { code: string; message: string } }>(
      'POST',
      `/tickets/${ticketId}/messages`,
      {
        type: 'text',
        text: 'A fifth one',
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MONTHLY_QUOTA_EXHAUSTED');
    expect(refused.body.error.message).toMatch(/reset on 1 /);
    expect(await deliveries(openId)).toHaveLength(4);
    // The tag is empty again: nobody else can receive the next customer's message.
    const user = (await (await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}`)).json()) as {
      tagIds: number[];
    };
    expect(user.tagIds).toEqual([]);
  });

  it('a send WeChat refuses shows its reason in words on the message, and gives the slot back', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Bye');
    // The customer unfollowed on WeChat before the desk heard of it.
    const unfollowed = await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}/interactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'unfollow' }),
    });
    expect(unfollowed.status).toBe(200);

    const failed = await replyAndSettle(ticketId, 'Are you still there?');

    expect(failed).toMatchObject({
      status: 'failed',
      failure: {
        code: 'CUSTOMER_NOT_FOLLOWING',
        message: expect.stringMatching(/does not follow/),
      },
    });
    expect(await deliveries(openId)).toEqual([]);
  });
});
