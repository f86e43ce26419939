import { randomBytes } from 'node:crypto';

import { waitFor } from '@wechat-desk/shared/testing';
import {
  imageMessage,
  linkMessage,
  locationMessage,
  sendPush,
  textMessage,
  type PushTarget,
} from '@wechat-desk/wechat/push-client';

import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

interface TicketResponse {
  id: string;
  number: number;
  status: 'open' | 'closed';
  channelId: string;
  departmentId: string;
  contact: { id: string; openId: string };
  assigneeId: string | null;
}
interface MessageResponse {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text?: string;
  attachments: Array<{ id: string; mimeType: string; size: number; url: string }>;
  sentAt: string;
}

const SUPPORT = {
  appId: 'wx00000000000000a1',
  appSecret: 'a1'.repeat(16),
  originalId: 'gh_0000000000a1',
};
const SALES = {
  appId: 'wx00000000000000b2',
  appSecret: 'b2'.repeat(16),
  originalId: 'gh_0000000000b2',
};
const CUSTOMER = 'oCustomer-Conversations-01';
const PASSWORD = 'agent-password-123';

/** A PNG header and random bytes: any byte changed on the way would show. */
const IMAGE = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(40_000),
]);

describe('conversations and tickets, end to end', () => {
  const system = new SystemUnderTest();
  const admin = new DeskSession(system);
  const supportAgent = new DeskSession(system);
  const salesAgent = new DeskSession(system);
  let support: ChannelResponse & { departmentId: string };
  let sales: ChannelResponse & { departmentId: string };
  let supportAgentId = '';
  /** CreateTime of the customer's first message; later ones are placed relative to it. */
  const t0 = Math.floor(Date.now() / 1000);
  let msgIdCounter = 7_300_000_000_000_000_000n;

  const nextMsgId = (): string => {
    msgIdCounter += 1n;
    return msgIdCounter.toString();
  };
  const supportTarget = (): PushTarget => pushTargetOf(system, support, CUSTOMER);
  const header = (offsetS: number) => ({
    toUserName: support.originalId,
    fromUserName: CUSTOMER,
    createTime: t0 + offsetS,
    msgId: nextMsgId(),
  });

  async function ticketsOf(session: DeskSession): Promise<TicketResponse[]> {
    const list = await session.request<{ items: TicketResponse[] }>('GET', '/tickets');
    expect(list.status).toBe(200);
    return list.body.items;
  }

  async function messagesOf(ticketId: string): Promise<MessageResponse[]> {
    const list = await admin.request<{ items: MessageResponse[] }>(
      'GET',
      `/tickets/${ticketId}/messages`,
    );
    return list.body.items;
  }

  async function createAgent(email: string, departmentId: string, channelId: string) {
    const agent = await admin.request<{ id: string }>('POST', '/agents', {
      email,
      name: email.split('@')[0],
      password: PASSWORD,
      role: 'agent',
      departmentIds: [departmentId],
    });
    expect(agent.status).toBe(201);
    const associated = await admin.request(
      'PUT',
      `/departments/${departmentId}/agents/${agent.body.id}/channels`,
      { channelIds: [channelId] },
    );
    expect(associated.status).toBe(200);
    return agent.body.id;
  }

  beforeAll(async () => {
    await system.start('conversations');
    await admin.signIn();
    support = await admin.createChannel(SUPPORT, 'Support');
    sales = await admin.createChannel(SALES, 'Sales');
    supportAgentId = await createAgent('support@e2e.test', support.departmentId, support.id);
    await createAgent('sales@e2e.test', sales.departmentId, sales.id);
    await supportAgent.signIn({ email: 'support@e2e.test', password: PASSWORD });
    await salesAgent.signIn({ email: 'sales@e2e.test', password: PASSWORD });
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('threads text, image, location and link messages into one ticket, the image downloadable byte for byte', async () => {
    const registered = await fetch(`${system.urls['wechat-sim']}/sim/media`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        appId: SUPPORT.appId,
        type: 'image',
        contentType: 'image/png',
        base64: IMAGE.toString('base64'),
      }),
    });
    expect(registered.status).toBe(201);
    const { mediaId } = (await registered.json()) as { mediaId: string };

    const pushes = [
      textMessage({ ...header(0), content: '我的包裹坏了，看图' }),
      imageMessage({ ...header(1), picUrl: 'http://mmbiz.qpic.cn/x', mediaId }),
      locationMessage({
        ...header(2),
        latitude: 31.2304,
        longitude: 121.4737,
        scale: 15,
        label: '上海市黄浦区',
      }),
      linkMessage({
        ...header(3),
        title: 'Order 42',
        description: 'the order page',
        url: 'https://shop.example/orders/42',
      }),
    ];
    // Sent at once: WeChat's pushes arrive in any order, CreateTime orders the thread.
    const results = await Promise.all(pushes.map((inner) => sendPush(supportTarget(), inner)));
    expect(results.map((result) => result.body)).toEqual([
      'success',
      'success',
      'success',
      'success',
    ]);

    const [ticket] = await waitFor(
      async () => {
        const tickets = await ticketsOf(admin);
        return tickets.length === 1 ? tickets : null;
      },
      { timeoutMs: 20_000, description: 'one ticket' },
    );
    expect(ticket).toMatchObject({
      status: 'open',
      channelId: support.id,
      departmentId: support.departmentId,
      contact: { openId: CUSTOMER },
      // The only active agent of the channel gets it (round-robin of one).
      assigneeId: supportAgentId,
    });

    const messages = await waitFor(
      async () => {
        const items = await messagesOf(ticket.id);
        return items.length === 4 && items[1]?.attachments.length === 1 ? items : null;
      },
      { timeoutMs: 20_000, description: 'four messages, the image downloaded' },
    );
    expect(messages.map((message) => message.type)).toEqual(['text', 'image', 'location', 'link']);
    expect(messages.map((message) => message.sentAt)).toEqual(
      [0, 1, 2, 3].map((offset) => new Date((t0 + offset) * 1000).toISOString()),
    );
    expect(messages[0]).toMatchObject({ direction: 'in', text: '我的包裹坏了，看图' });
    const [attachment] = messages[1]?.attachments ?? [];
    expect(attachment).toMatchObject({ mimeType: 'image/png', size: IMAGE.length });

    const downloaded = await supportAgent.download(`/attachments/${attachment?.id ?? ''}`);
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers.get('content-type')).toBe('image/png');
    expect(downloaded.bytes.equals(IMAGE)).toBe(true);
    // The agent of another department can neither see the ticket nor fetch its media.
    expect((await salesAgent.download(`/attachments/${attachment?.id ?? ''}`)).status).toBe(404);

    const stored = await system.query<{ fields: Record<string, unknown> }>(
      "SELECT fields FROM conversation.messages WHERE type IN ('location', 'link') ORDER BY sent_at",
    );
    expect(stored.map((row) => row.fields)).toEqual([
      expect.objectContaining({ label: '上海市黄浦区' }),
      expect.objectContaining({ url: 'https://shop.example/orders/42', title: 'Order 42' }),
    ]);
  });

  it('starts a second ticket once the conversion timer has elapsed, and reopens a closed one within it', async () => {
    const path = `/departments/${support.departmentId}/channels/${support.id}/ticket-settings`;
    expect((await admin.request('PUT', path, { conversionTimerMinutes: 1 })).status).toBe(200);
    await waitFor(
      async () => {
        const rows = await system.query<{ minutes: number }>(
          'SELECT conversion_timer_minutes AS minutes FROM ticketing.timer_settings',
        );
        return rows[0]?.minutes === 1;
      },
      { timeoutMs: 10_000, description: 'ticketing knows the 1-minute timer' },
    );

    // 61 s after the previous message (CreateTime t0 + 3): the timer has elapsed.
    expect(
      await sendPush(supportTarget(), textMessage({ ...header(64), content: 'another question' })),
    ).toMatchObject({ status: 200, body: 'success' });
    const tickets = await waitFor(
      async () => {
        const items = await ticketsOf(admin);
        return items.length === 2 ? items : null;
      },
      { timeoutMs: 20_000, description: 'a second ticket' },
    );
    // Most recent activity first.
    const [second, first] = tickets;
    expect(second?.number).toBeGreaterThan(first?.number ?? Infinity);
    // The ticket and its first message are projected from two events: wait for both.
    const firstMessages = await waitFor(
      async () => {
        const items = await messagesOf(second?.id ?? '');
        return items.length > 0 ? items : null;
      },
      { timeoutMs: 10_000, description: 'the message on the second ticket' },
    );
    expect(firstMessages.map((message) => message.text)).toEqual(['another question']);

    const closed = await supportAgent.request<TicketResponse>('PATCH', `/tickets/${second?.id}`, {
      status: 'closed',
    });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    await waitFor(
      async () => {
        const rows = await system.query<{ status: string }>(
          'SELECT status FROM ticketing.tickets WHERE id = $1',
          [second?.id],
        );
        return rows[0]?.status === 'closed';
      },
      { timeoutMs: 10_000, description: 'ticketing closed the ticket' },
    );

    // 30 s later: within the timer, so the closed ticket is reopened rather than a new one made.
    expect(
      await sendPush(supportTarget(), textMessage({ ...header(94), content: 'one more thing' })),
    ).toMatchObject({ status: 200, body: 'success' });
    const reopened = await waitFor(
      async () => {
        const got = await admin.request<TicketResponse>('GET', `/tickets/${second?.id}`);
        const items = await messagesOf(second?.id ?? '');
        return got.body.status === 'open' && items.length === 2
          ? { ticket: got.body, items }
          : null;
      },
      { timeoutMs: 20_000, description: 'the ticket reopened with the new message' },
    );
    expect(reopened.ticket.assigneeId).toBe(supportAgentId);
    expect(reopened.items.map((message) => message.text)).toEqual([
      'another question',
      'one more thing',
    ]);
    expect(await ticketsOf(admin)).toHaveLength(2);
  });

  it('shows an agent only the tickets of their own channels', async () => {
    expect((await ticketsOf(supportAgent)).map((ticket) => ticket.channelId)).toEqual([
      support.id,
      support.id,
    ]);
    expect(await ticketsOf(salesAgent)).toEqual([]);
    const [ticket] = await ticketsOf(admin);
    for (const path of [`/tickets/${ticket?.id}`, `/tickets/${ticket?.id}/messages`]) {
      expect((await salesAgent.request('GET', path)).status).toBe(404);
    }
    expect(
      (await salesAgent.request('PATCH', `/tickets/${ticket?.id}`, { status: 'closed' })).status,
    ).toBe(404);
  });

  it('stores nothing from a disabled channel, and answers WeChat success all the same', async () => {
    expect((await admin.request('POST', `/channels/${sales.id}/disable`)).status).toBe(200);
    const pushFrom = (openId: string, content: string) =>
      sendPush(
        pushTargetOf(system, sales, openId),
        textMessage({
          toUserName: sales.originalId,
          fromUserName: openId,
          createTime: Math.floor(Date.now() / 1000),
          msgId: nextMsgId(),
          content,
        }),
      );
    const disabledCount = async (): Promise<number> => {
      const metrics = await (await fetch(`${system.urls.ingress}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find((row) => row.includes(sales.id) && row.includes('outcome="disabled"'));
      return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
    };
    // Probes from another user until the ingress has learned of the change.
    await waitFor(
      async () => {
        const before = await disabledCount();
        await pushFrom('oProbe-Disabled-00001', 'probe');
        return (await disabledCount()) > before;
      },
      { timeoutMs: 10_000, description: 'the ingress treats the channel as disabled' },
    );

    const customer = 'oCustomer-Disabled-0001';
    for (const content of ['hello?', 'anyone there?']) {
      expect(await pushFrom(customer, content)).toMatchObject({ status: 200, body: 'success' });
    }
    expect(await disabledCount()).toBeGreaterThanOrEqual(3);
    // A push to the enabled channel after them, once stored, shows the pipeline has moved past them.
    expect(
      await sendPush(supportTarget(), textMessage({ ...header(95), content: 'after the others' })),
    ).toMatchObject({ status: 200 });
    await waitFor(
      async () =>
        (await system.query("SELECT 1 FROM conversation.messages WHERE text = 'after the others'"))
          .length === 1,
      { timeoutMs: 10_000, description: 'the later push is stored' },
    );
    expect(
      await system.query('SELECT 1 FROM conversation.contacts WHERE open_id = $1', [customer]),
    ).toHaveLength(0);
    expect(
      await system.query('SELECT 1 FROM ticketing.tickets WHERE open_id = $1', [customer]),
    ).toHaveLength(0);
  });

  it("shows on each worker's /metrics what it consumed and what waits in its queues and outbox", async () => {
    const scrape = async (app: 'conversation' | 'ticketing' | 'desk-api'): Promise<string[]> =>
      (await (await fetch(`${system.urls[app]}/metrics`)).text()).split('\n');
    const value = (lines: string[], ...parts: string[]): number | undefined => {
      const line = lines.find(
        (row) => !row.startsWith('#') && parts.every((part) => row.includes(part)),
      );
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const consumed = {
      conversation: 'type="wechat.message.text.v1"',
      ticketing: 'type="conversation.message.recorded.v1"',
      'desk-api': 'type="ticket.message.added.v1"',
    } as const;
    for (const app of ['conversation', 'ticketing', 'desk-api'] as const) {
      // Scraped after the pipeline settled: everything handled, nothing waiting.
      const lines = await waitFor(
        async () => {
          const scraped = await scrape(app);
          return value(scraped, 'messaging_messages_waiting', 'where="queue"') === 0 &&
            value(scraped, 'messaging_messages_waiting', 'where="outbox"') === 0
            ? scraped
            : false;
        },
        { timeoutMs: 10_000, description: `${app}'s queue and outbox empty` },
      );
      expect(
        value(lines, 'messaging_deliveries_total', consumed[app], 'outcome="acked"'),
      ).toBeGreaterThan(0);
      expect(
        value(lines, 'messaging_handler_duration_seconds_count', consumed[app]),
      ).toBeGreaterThan(0);
      expect(value(lines, 'messaging_messages_waiting', 'where="dead_letter"')).toBe(0);
      expect(value(lines, 'messaging_messages_waiting', 'where="retry"')).toBe(0);
    }
  });
});
