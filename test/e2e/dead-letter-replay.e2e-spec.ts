import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { connect } from 'amqplib';

import {
  createEnvelope,
  RoutingKeys,
  type EventEnvelope,
  type WechatTextMessageV1,
} from '@wechat-desk/contracts';
import { topologyNames } from '@wechat-desk/shared/messaging';
import { TEST_RABBITMQ_URL, waitFor } from '@wechat-desk/shared/testing';
import { buildPush, randomMsgId, textMessage, unixSeconds } from '@wechat-desk/wechat/push-client';

import { REPOSITORY_ROOT } from '../../tools/launcher';
import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

const ACCOUNT = {
  appId: 'wx00000000000000d7',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_00000000d007',
};
const DLQ_CLI = join(REPOSITORY_ROOT, 'dist', 'tools', 'dlq', 'main.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An operator's dead-letter work on a running system: the `npm run dlq` program as a process,
 * against the real services. Replaying a message whose effect already happened changes nothing;
 * replaying one that never got through records and tickets it once.
 */
describe('dead letters, inspected and replayed by an operator', () => {
  const system = new SystemUnderTest();
  let channel: ChannelResponse;
  const deadLetterQueue = (): string =>
    topologyNames(system.namespace).deadLetterQueue('conversation');

  beforeAll(async () => {
    await system.start('dead-letter-replay');
    const desk = new DeskSession(system);
    await desk.signIn();
    channel = await desk.createChannel(ACCOUNT);
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  async function dlq(...args: string[]): Promise<CliRun> {
    try {
      const { stdout, stderr } = await promisify(execFile)('node', [DLQ_CLI, ...args], {
        env: {
          PATH: process.env['PATH'],
          RABBITMQ_URL: TEST_RABBITMQ_URL,
          MESSAGING_NAMESPACE: system.namespace,
        },
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  function textEnvelope(openId: string, msgId: string, content: string) {
    return createEnvelope<WechatTextMessageV1>(RoutingKeys.wechatMessageText, {
      channelId: channel.id,
      openId,
      originalId: ACCOUNT.originalId,
      createTime: unixSeconds(),
      msgId,
      msgType: 'text',
      content,
    });
  }

  /** Into the dead-letter queue as the transport puts a message there after its last attempt. */
  async function deadLetter(body: string, messageId: string, type: string): Promise<void> {
    const model = await connect(TEST_RABBITMQ_URL);
    try {
      const confirm = await model.createConfirmChannel();
      confirm.publish('', deadLetterQueue(), Buffer.from(body), {
        messageId,
        type,
        contentType: 'application/json',
        persistent: true,
        headers: {
          'x-attempt': 5,
          'x-dead-letter-reason': 'ATTEMPTS_EXHAUSTED',
          'x-last-error': 'connection terminated unexpectedly',
          'x-dead-lettered-at': new Date().toISOString(),
          'x-dead-lettered-by': 'conversation',
        },
      });
      await confirm.waitForConfirms();
    } finally {
      await model.close();
    }
  }

  async function recordedCopies(msgId: string): Promise<number> {
    const rows = await system.query<{ copies: number }>(
      'SELECT count(*)::int AS copies FROM conversation.messages WHERE wechat_msg_id = $1',
      [msgId],
    );
    return rows[0]?.copies ?? 0;
  }

  async function ticketedCopies(msgId: string): Promise<number> {
    const rows = await system.query<{ copies: number }>(
      `SELECT count(*)::int AS copies FROM ticketing.ticket_messages tm
        JOIN conversation.messages m ON m.id = tm.message_id WHERE m.wechat_msg_id = $1`,
      [msgId],
    );
    return rows[0]?.copies ?? 0;
  }

  it('lists, shows and replays: a handled message stays once, a lost one is recorded and ticketed once, poison stays', async () => {
    // A customer's message that went through, whose copy was dead-lettered anyway (say its ack
    // was lost and the redeliveries ran out while the database was away).
    const handledMsgId = randomMsgId();
    const push = buildPush(
      pushTargetOf(system, channel, 'oReplayHandled'),
      textMessage({
        toUserName: ACCOUNT.originalId,
        fromUserName: 'oReplayHandled',
        content: 'already here',
        msgId: handledMsgId,
      }),
    );
    expect(
      (
        await fetch(push.url, {
          method: 'POST',
          headers: { 'Content-Type': 'text/xml' },
          body: push.body,
        })
      ).status,
    ).toBe(200);
    await waitFor(async () => (await ticketedCopies(handledMsgId)) === 1, {
      description: 'the pushed message to be ticketed',
      timeoutMs: 20_000,
    });
    const handled = textEnvelope('oReplayHandled', handledMsgId, 'already here');
    // One that never got through, and bytes no handler can read.
    const lostMsgId = randomMsgId();
    const lost: EventEnvelope<WechatTextMessageV1> = textEnvelope(
      'oReplayLost',
      lostMsgId,
      'lost while the database was away',
    );
    await deadLetter(JSON.stringify(handled), handled.id, handled.type);
    await deadLetter(JSON.stringify(lost), lost.id, lost.type);
    await deadLetter('{"id": "cut short', 'poison-1', RoutingKeys.wechatMessageText);

    const counts = await dlq('list');
    expect(counts.code).toBe(0);
    expect(counts.stdout).toMatch(new RegExp(`${deadLetterQueue()}\\s+3`));

    const listing = await dlq('list', 'conversation');
    expect(listing.code).toBe(0);
    const rows = listing.stdout.split('\n');
    expect(rows[0]).toBe(`${deadLetterQueue()}: 3 dead letters`);
    expect(rows[2]).toContain(handled.id);
    expect(rows[3]).toContain(lost.id);
    expect(rows[4]).toContain('poison-1');
    expect(rows[3]).toMatch(/ATTEMPTS_EXHAUSTED\s+connection terminated unexpectedly$/);

    const shown = await dlq('show', 'conversation', lost.id, '--json');
    expect(shown.code).toBe(0);
    const detail = JSON.parse(shown.stdout) as { envelope: unknown; headers: object };
    expect(detail.envelope).toEqual(JSON.parse(JSON.stringify(lost)));
    expect(detail.headers).toMatchObject({ 'x-attempt': 5 });

    // Nothing happened by reading.
    expect(await recordedCopies(lostMsgId)).toBe(0);

    const typo = await dlq('replay', 'conversation', handled.id, 'no-such-id');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('no-such-id (nothing was replayed)');

    const replay = await dlq('replay', 'conversation', handled.id, lost.id);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`replayed 2 from ${deadLetterQueue()}`);
    expect(replay.stdout).toContain(`1 left in ${deadLetterQueue()}`);

    await waitFor(async () => (await ticketedCopies(lostMsgId)) === 1, {
      description: 'the replayed lost message to be ticketed',
      timeoutMs: 20_000,
    });
    expect(await recordedCopies(lostMsgId)).toBe(1);
    // The already-handled one: its replay found its effect and changed nothing.
    expect(await recordedCopies(handledMsgId)).toBe(1);
    expect(await ticketedCopies(handledMsgId)).toBe(1);
    const tickets = await system.query<{ open_id: string; tickets: number }>(
      `SELECT open_id, count(*)::int AS tickets FROM ticketing.tickets
        WHERE open_id IN ('oReplayHandled', 'oReplayLost') GROUP BY open_id ORDER BY open_id`,
    );
    expect(tickets).toEqual([
      { open_id: 'oReplayHandled', tickets: 1 },
      { open_id: 'oReplayLost', tickets: 1 },
    ]);
    // The lost message is in the agents' thread like any other.
    await waitFor(
      async () =>
        (
          await system.query(
            `SELECT 1 FROM desk.message_views v JOIN conversation.messages m ON m.id = v.id
              WHERE m.wechat_msg_id = $1`,
            [lostMsgId],
          )
        ).length === 1,
      { description: 'the replayed message visible to agents', timeoutMs: 20_000 },
    );

    const left = await dlq('list', 'conversation', '--json');
    const remaining = JSON.parse(left.stdout) as {
      count: number;
      messages: Array<{ envelopeId: string }>;
    };
    expect(remaining.count).toBe(1);
    expect(remaining.messages[0]?.envelopeId).toBe('poison-1');
  });

  it('refuses a wrong command, an unknown service and a wrong namespace with a clear message', async () => {
    const usage = await dlq('purge');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown command "purge"');
    expect(usage.stderr).toContain('Usage: npm run dlq');

    const unknown = await dlq('list', 'billing');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown service "billing"');

    const elsewhere = await promisify(execFile)('node', [DLQ_CLI, 'list', 'conversation'], {
      env: {
        PATH: process.env['PATH'],
        RABBITMQ_URL: TEST_RABBITMQ_URL,
        MESSAGING_NAMESPACE: `${system.namespace}-absent`,
      },
    }).catch((error: unknown) => error as { code: number; stderr: string });
    expect('code' in elsewhere && elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('is MESSAGING_NAMESPACE right');
  });
});
