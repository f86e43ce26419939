import {
  TcpFaultProxy,
  TEST_DATABASE_BASE_URL,
  TEST_RABBITMQ_URL,
  waitFor,
} from '@wechat-desk/shared/testing';
import {
  buildPush,
  randomMsgId,
  textMessage,
  type BuiltPush,
} from '@wechat-desk/wechat/push-client';

import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

const ACCOUNT = {
  appId: 'wx00000000000000d1',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_00000000d001',
};

/**
 * Every service as its own process; the ingress reaches RabbitMQ and PostgreSQL through TCP
 * proxies this test breaks. What WeChat was told `success` must be processed exactly once.
 */
describe('ingress durability, end to end', () => {
  const system = new SystemUnderTest();
  let brokerProxy: TcpFaultProxy;
  let databaseProxy: TcpFaultProxy;
  let channel: ChannelResponse;

  beforeAll(async () => {
    brokerProxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_RABBITMQ_URL));
    databaseProxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_DATABASE_BASE_URL));
    await system.start('ingress-durability', {
      ingress: (shared) => ({
        RABBITMQ_URL: brokerProxy.urlFor(TEST_RABBITMQ_URL),
        DATABASE_URL: databaseProxy.urlFor(shared['DATABASE_URL'] ?? ''),
        INGRESS_PUBLISH_TIMEOUT_MS: '300',
      }),
    });
    const desk = new DeskSession(system);
    await desk.signIn();
    channel = await desk.createChannel(ACCOUNT);
  }, 120_000);

  afterAll(async () => {
    brokerProxy?.restore();
    databaseProxy?.restore();
    await system.stop();
    await brokerProxy?.close();
    await databaseProxy?.close();
  }, 60_000);

  function push(customer: number, text: string): BuiltPush & { msgId: string } {
    const msgId = randomMsgId();
    const openId = `oDurable_${customer}`;
    const inner = textMessage({
      toUserName: ACCOUNT.originalId,
      fromUserName: openId,
      content: text,
      msgId,
    });
    return { ...buildPush(pushTargetOf(system, channel, openId), inner), msgId };
  }

  async function send(built: BuiltPush): Promise<number> {
    const response = await fetch(built.url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: built.body,
    });
    return response.status;
  }

  it('processes every push acknowledged while RabbitMQ was down exactly once after it returns, and a retried 503 too', async () => {
    brokerProxy.cut();
    const acknowledged = Array.from({ length: 20 }, (_, i) => push(i % 4, `离线消息 #${i}`));
    for (const built of acknowledged) {
      expect(await send(built)).toBe(200);
    }
    // Nothing can take this one durably: WeChat is told to retry.
    databaseProxy.cut();
    const refused = push(9, 'sent while nothing could accept it');
    expect(await send(refused)).toBe(503);
    databaseProxy.restore();
    // WeChat's retry of the refused push (same request) is accepted into the spool.
    await waitFor(async () => (await send(refused)) === 200, {
      description: 'the retry is accepted',
      timeoutMs: 10_000,
    });
    const expected = [...acknowledged, refused].map((built) => built.msgId);
    expect(
      await system.query('SELECT 1 FROM conversation.messages WHERE wechat_msg_id = ANY($1)', [
        expected,
      ]),
    ).toEqual([]);

    brokerProxy.restore();
    const recorded = await waitFor(
      async () => {
        const rows = await system.query<{ wechat_msg_id: string; copies: number }>(
          `SELECT wechat_msg_id, count(*)::int AS copies FROM conversation.messages
            WHERE wechat_msg_id = ANY($1) GROUP BY wechat_msg_id`,
          [expected],
        );
        return rows.length === expected.length ? rows : false;
      },
      { description: 'every acknowledged push is recorded', timeoutMs: 30_000 },
    );
    expect(recorded.every((row) => row.copies === 1)).toBe(true);
    // One ticket per customer: the spooled messages went through ticketing like any other.
    await waitFor(
      async () => {
        const tickets = await system.query<{ tickets: number }>(
          `SELECT count(DISTINCT ticket_id)::int AS tickets FROM ticketing.ticket_messages`,
        );
        return (tickets[0]?.tickets ?? 0) === 5;
      },
      { description: 'one ticket per customer', timeoutMs: 30_000 },
    );
    const spool = await system.query<{ depth: number }>(
      'SELECT count(*)::int AS depth FROM ingress.outbox',
    );
    expect(spool[0]?.depth).toBe(0);
  });
});
