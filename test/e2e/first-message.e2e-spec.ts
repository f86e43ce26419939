import {
  buildPush,
  imageMessage,
  sendPush,
  sendPushLikeWechat,
  subscribeEvent,
  textMessage,
  unknownEvent,
  unknownMessage,
  verifyCallbackUrl,
  type PushTarget,
} from '@wechat-desk/wechat/push-client';
import { waitFor } from '@wechat-desk/shared/testing';

import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

interface TicketResponse {
  id: string;
  status: string;
  channelId: string;
  contact: { id: string; openId: string };
}
interface MessageResponse {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text?: string;
  sentAt: string;
  status?: string;
}
interface TicketSettings {
  conversionTimerMinutes: number;
  customised: boolean;
}
interface RecordedCall {
  rawBody: string;
  errcode: number;
}

const ACCOUNT = {
  appId: 'wx1234567890abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};
const OPEN_ID = 'oE2eCustomer-0001_xyz';

describe('a WeChat message, end to end', () => {
  const system = new SystemUnderTest();
  const session = new DeskSession(system);
  const desk = <T>(method: string, path: string, body?: unknown) =>
    session.request<T>(method, path, body);
  let channel: ChannelResponse;

  function target(): PushTarget {
    return pushTargetOf(system, channel, OPEN_ID);
  }

  beforeAll(async () => {
    await system.start('first-message');
    const registered = await fetch(`${system.urls['wechat-sim']}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ACCOUNT),
    });
    expect(registered.status).toBe(201);

    // Throws unless the desk answers 200.
    await session.signIn();
    const department = await desk<{ id: string }>('POST', '/departments', { name: 'Support' });
    expect(department.status).toBe(201);
    const created = await desk<ChannelResponse>('POST', '/channels', {
      name: 'Main account',
      originalId: ACCOUNT.originalId,
      appId: ACCOUNT.appId,
      appSecret: ACCOUNT.appSecret,
      departmentId: department.body.id,
    });
    expect(created.status).toBe(201);
    channel = created.body;
    expect(channel.callbackUrl).toBe(`${system.urls.ingress}/wechat/${channel.id}`);
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('passes WeChat URL verification with the exact echostr, and refuses a bad signature', async () => {
    // The ingress learns the channel from channel.updated.v1; wait until it does.
    const verified = await waitFor(
      async () => {
        const result = await verifyCallbackUrl(target(), '4375120948345356249');
        return result.status === 200 ? result : null;
      },
      { timeoutMs: 15_000, description: 'ingress knows the new channel' },
    );
    expect(verified.body).toBe('4375120948345356249');
    expect(verified.accepted).toBe(true);

    const forged = await fetch(
      `${system.urls.ingress}/wechat/${channel.id}?signature=${'0'.repeat(40)}&timestamp=1&nonce=2&echostr=3`,
    );
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain('3');
  });

  it('turns an encrypted push, retried three times, into one message on one ticket, and sends the reply', async () => {
    const text = '你好，我的订单还没到 📦 order #42';
    const inner = textMessage({
      toUserName: ACCOUNT.originalId,
      fromUserName: OPEN_ID,
      content: text,
      msgId: '7250021412600020992',
      createTime: Math.floor(Date.now() / 1000),
    });
    // WeChat sends the same push again when unsure: three deliveries of one MsgId.
    for (let delivery = 0; delivery < 3; delivery += 1) {
      const result = await sendPush(target(), inner);
      expect(result).toMatchObject({ status: 200, body: 'success' });
    }
    const plainQuery = buildPush(target(), inner).query;
    expect(plainQuery).toMatchObject({ encrypt_type: 'aes' });
    // The simulator plays WeChat: it must know the customer wrote to accept the reply.
    const wrote = await fetch(
      `${system.urls['wechat-sim']}/sim/accounts/${ACCOUNT.appId}/users/${OPEN_ID}/interactions`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'message' }),
      },
    );
    expect(wrote.status).toBe(200);

    const ticket = await waitFor(
      async () => {
        const list = await desk<{ items: TicketResponse[] }>('GET', '/tickets');
        return list.body.items.length > 0 ? list.body.items : null;
      },
      { timeoutMs: 20_000, description: 'the ticket appears in the desk API' },
    );
    expect(ticket).toHaveLength(1);
    expect(ticket[0]).toMatchObject({
      status: 'open',
      channelId: channel.id,
      contact: { openId: OPEN_ID },
    });
    const ticketId = ticket[0].id;

    const messages = await waitFor(
      async () => {
        const list = await desk<{ items: MessageResponse[] }>(
          'GET',
          `/tickets/${ticketId}/messages`,
        );
        return list.body.items.length > 0 ? list.body.items : null;
      },
      { timeoutMs: 20_000, description: 'the message appears on the ticket' },
    );
    expect(messages).toEqual([expect.objectContaining({ direction: 'in', type: 'text', text })]);

    // Counted where the effects live: one message, one ticket, despite three deliveries.
    const storedMessages = await system.query<{ wechat_msg_id: string }>(
      'SELECT wechat_msg_id FROM conversation.messages',
    );
    expect(storedMessages).toEqual([{ wechat_msg_id: '7250021412600020992' }]);
    expect(await system.query('SELECT id FROM ticketing.tickets')).toHaveLength(1);

    const replyText = '您好！我们正在查询 🙏 "quotes" & <tags>';
    const reply = await desk<{ id: string; status: string }>(
      'POST',
      `/tickets/${ticketId}/messages`,
      {
        type: 'text',
        text: replyText,
      },
    );
    expect(reply.status).toBe(202);
    expect(reply.body.status).toBe('queued');

    const sent = await waitFor(
      async () => {
        const list = await desk<{ items: MessageResponse[] }>(
          'GET',
          `/tickets/${ticketId}/messages`,
        );
        const out = list.body.items.find((message) => message.id === reply.body.id);
        return out?.status === 'sent' ? out : null;
      },
      { timeoutMs: 20_000, description: 'the reply is marked sent' },
    );
    expect(sent).toMatchObject({ direction: 'out', type: 'text', text: replyText });

    const calls = (await (
      await fetch(`${system.urls['wechat-sim']}/sim/custom-messages?appId=${ACCOUNT.appId}`)
    ).json()) as { items: RecordedCall[] };
    // Byte for byte what WeChat documents for a customer-service text message.
    expect(calls.items.map((call) => call.rawBody)).toEqual([
      JSON.stringify({ touser: OPEN_ID, msgtype: 'text', text: { content: replyText } }),
    ]);
  });

  it('records copies of a push that arrive at the same time once, on the same ticket', async () => {
    const inner = textMessage({
      toUserName: ACCOUNT.originalId,
      fromUserName: OPEN_ID,
      content: 'still waiting',
      msgId: '7250021412600020993',
      createTime: Math.floor(Date.now() / 1000),
    });
    const results = await Promise.all([1, 2, 3].map(() => sendPush(target(), inner)));
    expect(results.map((result) => result.body)).toEqual(['success', 'success', 'success']);

    await waitFor(
      async () => {
        const rows = await system.query('SELECT 1 FROM ticketing.ticket_messages');
        return rows.length === 2 ? rows : null;
      },
      { timeoutMs: 20_000, description: 'the second message on a ticket' },
    );
    const stored = await system.query<{ wechat_msg_id: string }>(
      "SELECT wechat_msg_id FROM conversation.messages WHERE direction = 'in' ORDER BY wechat_msg_id",
    );
    expect(stored.map((row) => row.wechat_msg_id)).toEqual([
      '7250021412600020992',
      '7250021412600020993',
    ]);
    expect(await system.query('SELECT id FROM ticketing.tickets')).toHaveLength(1);
  });

  it('applies the conversion timer set for the channel: a message after it starts a new ticket', async () => {
    const departments = await desk<{ items: Array<{ id: string }> }>('GET', '/departments');
    const departmentId = departments.body.items[0].id;
    const path = `/departments/${departmentId}/channels/${channel.id}/ticket-settings`;

    expect((await desk<TicketSettings>('GET', path)).body).toMatchObject({
      conversionTimerMinutes: 1440,
      customised: false,
    });
    for (const wrong of [0, 43_201, 1.5, '10']) {
      const refused = await desk<{ error: { code: string } }>('PUT', path, {
        conversionTimerMinutes: wrong,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    const otherDepartment = await desk<{ id: string }>('POST', '/departments', { name: 'Sales' });
    expect(
      (
        await desk(
          'GET',
          `/departments/${otherDepartment.body.id}/channels/${channel.id}/ticket-settings`,
        )
      ).status,
    ).toBe(404);
    const saved = await desk<TicketSettings>('PUT', path, { conversionTimerMinutes: 1 });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ conversionTimerMinutes: 1, customised: true });

    await waitFor(
      async () => {
        const rows = await system.query<{ minutes: number }>(
          'SELECT conversion_timer_minutes AS minutes FROM ticketing.timer_settings',
        );
        return rows[0]?.minutes === 1 ? rows : null;
      },
      { timeoutMs: 10_000, description: 'ticketing knows the new timer' },
    );
    // Two minutes after the customer's previous message (WeChat's CreateTime decides).
    const later = textMessage({
      toUserName: ACCOUNT.originalId,
      fromUserName: OPEN_ID,
      content: 'a new question',
      msgId: '7250021412600020994',
      createTime: Math.floor(Date.now() / 1000) + 120,
    });
    expect(await sendPush(target(), later)).toMatchObject({ status: 200, body: 'success' });
    const tickets = await waitFor(
      async () => {
        const list = await desk<{ items: TicketResponse[] }>('GET', '/tickets');
        return list.body.items.length === 2 ? list.body.items : null;
      },
      { timeoutMs: 20_000, description: 'a second ticket' },
    );
    expect(tickets.map((ticket) => ticket.contact.openId)).toEqual([OPEN_ID, OPEN_ID]);
  });

  it('keeps accepting the previous key after a rotation, and stores nothing while the channel is disabled', async () => {
    const previousKey = channel.encodingAesKey;
    const rotated = await desk<ChannelResponse>('POST', `/channels/${channel.id}/rotate-aes-key`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.encodingAesKey).not.toBe(previousKey);
    const push = (encodingAesKey: string, msgId: string, content: string) =>
      sendPush(
        { ...target(), encodingAesKey },
        textMessage({
          toUserName: ACCOUNT.originalId,
          fromUserName: OPEN_ID,
          content,
          msgId,
          createTime: Math.floor(Date.now() / 1000) + 180,
        }),
      );
    // The ingress learns the new key from channel.updated.v1 without a restart.
    await waitFor(
      async () =>
        (await push(rotated.body.encodingAesKey, '7250021412600020995', 'new key')).status === 200,
      { timeoutMs: 10_000, description: 'the ingress accepts the rotated key' },
    );
    expect(await push(previousKey, '7250021412600020996', 'old key')).toMatchObject({
      status: 200,
    });
    channel = rotated.body;

    expect((await desk('POST', `/channels/${channel.id}/disable`)).status).toBe(200);
    // A disabled channel still answers WeChat with success (so it does not retry) but keeps nothing.
    let ignoredMsgId = '';
    await waitFor(
      async () => {
        ignoredMsgId = `7250021412600021${String(Date.now() % 1000).padStart(3, '0')}`;
        const result = await push(channel.encodingAesKey, ignoredMsgId, 'while disabled');
        const metrics = await (await fetch(`${system.urls.ingress}/metrics`)).text();
        return result.body === 'success' && /outcome="disabled"[^}]*\} [1-9]/.test(metrics);
      },
      { timeoutMs: 10_000, description: 'the ingress treats the channel as disabled' },
    );
    expect((await desk('POST', `/channels/${channel.id}/enable`)).status).toBe(200);
    // Pushed after the one that was ignored: once one is stored, the ignored one would be too.
    let attempt = 0;
    await waitFor(
      async () => {
        attempt += 1;
        const msgId = `72500214126000299${String(attempt).padStart(2, '0')}`;
        await push(channel.encodingAesKey, msgId, 'enabled again');
        const stored = await system.query(
          "SELECT 1 FROM conversation.messages WHERE wechat_msg_id LIKE '72500214126000299%'",
        );
        return stored.length > 0;
      },
      { timeoutMs: 15_000, intervalMs: 250, description: 'a message after re-enabling is stored' },
    );
    expect(
      await system.query('SELECT 1 FROM conversation.messages WHERE wechat_msg_id = $1', [
        ignoredMsgId,
      ]),
    ).toHaveLength(0);
  });

  it('records every kind of push under its own type, unknown ones included, never dropping one', async () => {
    const from = {
      toUserName: ACCOUNT.originalId,
      fromUserName: OPEN_ID,
      createTime: Math.floor(Date.now() / 1000) + 240,
    };
    const pushes = [
      imageMessage({ ...from, msgId: '7250021412600030001', picUrl: 'http://p/1', mediaId: 'm1' }),
      unknownMessage({
        ...from,
        msgId: '7250021412600030002',
        msgType: 'file',
        elements: [['Title', 'a.pdf']],
      }),
      subscribeEvent({ ...from, eventKey: 'qrscene_7', ticket: 'TICKET' }),
      unknownEvent({ ...from, event: 'view_miniprogram', elements: [['EventKey', 'pages/index']] }),
    ];
    for (const inner of pushes) {
      const delivery = await sendPushLikeWechat(target(), inner);
      expect(delivery).toMatchObject({ acknowledged: true, attempts: [{ status: 200 }] });
    }

    const messages = await waitFor(
      async () => {
        const rows = await system.query<{ type: string; text: string | null; fields: object }>(
          `SELECT type, text, fields FROM conversation.messages
            WHERE wechat_msg_id IN ('7250021412600030001', '7250021412600030002') ORDER BY wechat_msg_id`,
        );
        return rows.length === 2 ? rows : null;
      },
      { timeoutMs: 20_000, description: 'both messages stored' },
    );
    expect(messages).toEqual([
      {
        type: 'image',
        text: null,
        fields: {
          msgId: '7250021412600030001',
          msgType: 'image',
          picUrl: 'http://p/1',
          mediaId: 'm1',
        },
      },
      expect.objectContaining({ type: 'file', text: null }),
    ]);
    const events = await waitFor(
      async () => {
        const rows = await system.query<{ event: string; event_key: string | null }>(
          `SELECT event, event_key FROM conversation.events WHERE occurred_at = to_timestamp($1)
            ORDER BY event`,
          [from.createTime],
        );
        return rows.length === 2 ? rows : null;
      },
      { timeoutMs: 20_000, description: 'both events stored' },
    );
    expect(events).toEqual([
      { event: 'subscribe', event_key: 'qrscene_7' },
      { event: 'view_miniprogram', event_key: 'pages/index' },
    ]);
  });
});
