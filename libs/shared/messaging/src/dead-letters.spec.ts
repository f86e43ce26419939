import type { Message } from 'amqplib';

import { printableHeaders, REPLAY_COUNT_HEADER, replayHeaders, summarize } from './dead-letters';

function message(headers: Record<string, unknown>, body: string, messageId?: string): Message {
  return {
    content: Buffer.from(body),
    fields: {} as Message['fields'],
    properties: { headers, messageId } as Message['properties'],
  };
}

describe(replayHeaders.name, () => {
  const now = new Date('2026-12-06T12:00:00.000Z');

  it('drops the retry and dead-letter trail, keeps the rest, and counts the replay', () => {
    const headers = replayHeaders(
      {
        'x-correlation-id': 'c-1',
        'x-attempt': 5,
        'x-last-error': 'boom',
        'x-dead-letter-reason': 'ATTEMPTS_EXHAUSTED',
        'x-dead-lettered-at': '2026-12-06T11:00:00.000Z',
        'x-dead-lettered-by': 'ticketing',
        'x-death': [{ queue: 'wd.ticketing', reason: 'rejected' }],
        'x-first-death-queue': 'wd.ticketing',
        'x-delivery-count': 2,
      },
      'wd.ticketing',
      now,
    );
    expect(headers).toEqual({
      'x-correlation-id': 'c-1',
      [REPLAY_COUNT_HEADER]: 1,
      'x-replayed-at': '2026-12-06T12:00:00.000Z',
      'x-replayed-from': 'wd.ticketing.dead-letter',
    });
  });

  it('adds to an earlier replay count, and starts again from a count it cannot read', () => {
    expect(replayHeaders({ [REPLAY_COUNT_HEADER]: 2 }, 'q', now)[REPLAY_COUNT_HEADER]).toBe(3);
    expect(replayHeaders({ [REPLAY_COUNT_HEADER]: 'x' }, 'q', now)[REPLAY_COUNT_HEADER]).toBe(1);
  });
});

describe(summarize.name, () => {
  it("reads the transport's own dead-letter headers, first line of the error only", () => {
    const summary = summarize(
      3,
      message(
        {
          'x-dead-letter-reason': Buffer.from('NON_RETRYABLE'),
          'x-dead-lettered-at': '2026-12-06T11:00:00.000Z',
          'x-last-error': 'no such channel\n    at handler (x.ts:1)',
        },
        JSON.stringify({ id: 'from-body', type: 'wechat.message.text.v1' }),
      ),
      'wd.conversation',
    );
    expect(summary).toEqual({
      index: 3,
      envelopeId: 'from-body',
      type: 'wechat.message.text.v1',
      deadLetteredAt: '2026-12-06T11:00:00.000Z',
      reason: 'NON_RETRYABLE',
      error: 'no such channel',
    });
  });

  it("falls back to the broker's x-death entry of the service queue", () => {
    const summary = summarize(
      1,
      message(
        {
          'x-death': [
            { queue: 'wd.conversation.retry.100', reason: 'expired' },
            {
              queue: 'wd.conversation',
              reason: 'delivery_limit',
              time: { '!': 'timestamp', value: 1_796_000_000 },
            },
          ],
        },
        'not json',
        'm-1',
      ),
      'wd.conversation',
    );
    expect(summary).toMatchObject({
      envelopeId: 'm-1',
      type: null,
      reason: 'delivery_limit (broker)',
      deadLetteredAt: new Date(1_796_000_000_000).toISOString(),
      error: null,
    });
  });
});

describe(printableHeaders.name, () => {
  it('turns byte strings into text and timestamps into ISO times, nested too', () => {
    expect(
      printableHeaders({
        text: Buffer.from('héllo'),
        list: [{ at: { '!': 'timestamp', value: 0 } }],
        n: 1,
      }),
    ).toEqual({ text: 'héllo', list: [{ at: '1970-01-01T00:00:00.000Z' }], n: 1 });
  });
});
