import {
  formatCounts,
  formatDetail,
  formatListing,
  formatReplay,
  parseDlqCommand,
  UsageError,
} from './command';

describe(parseDlqCommand.name, () => {
  it.each([
    [[], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
    [['list'], { kind: 'list-all', json: false }],
    [['list', '--json'], { kind: 'list-all', json: true }],
    [['list', 'conversation'], { kind: 'list', service: 'conversation', limit: 50, json: false }],
    [
      ['list', 'ticketing', '--limit', '5', '--json'],
      { kind: 'list', service: 'ticketing', limit: 5, json: true },
    ],
    [
      ['show', 'outbound', 'e1'],
      { kind: 'show', service: 'outbound', envelopeId: 'e1', json: false },
    ],
    [
      ['replay', 'conversation', 'e1', 'e2', 'e1'],
      {
        kind: 'replay',
        service: 'conversation',
        selection: { envelopeIds: ['e1', 'e2'] },
        json: false,
      },
    ],
    [
      ['replay', 'conversation', '--all'],
      { kind: 'replay', service: 'conversation', selection: { all: true }, json: false },
    ],
  ])('reads %j', (argv, expected) => {
    expect(parseDlqCommand(argv)).toEqual(expected);
  });

  it.each([
    [['purge'], /unknown command "purge"/],
    [['list', 'a', 'b'], /list takes one service/],
    [['list', 'conversation', '--all'], /--all is for replay/],
    [['list', 'conversation', '--limit', '0'], /--limit must be a whole number/],
    [['list', 'conversation', '--limit', 'ten'], /--limit must be a whole number/],
    [['show', 'conversation'], /show takes a service and one envelope id/],
    [['show', 'conversation', 'a', 'b'], /show takes a service and one envelope id/],
    [['replay'], /replay takes a service/],
    [['replay', 'conversation'], /name the envelope ids to replay, or --all/],
    [['replay', 'conversation', 'e1', '--all'], /not both/],
    [['list', '--force'], /Unknown option '--force'/],
  ])('refuses %j with a reason', (argv, reason) => {
    expect(() => parseDlqCommand(argv)).toThrow(UsageError);
    expect(() => parseDlqCommand(argv)).toThrow(reason);
  });
});

const summary = {
  index: 1,
  envelopeId: '0b6c1f0e-5d55-4a3c-9f2e-6a1d2c3b4a59',
  type: 'wechat.message.text.v1',
  deadLetteredAt: '2026-12-06T10:00:00.000Z',
  reason: 'NON_RETRYABLE',
  error: 'no such channel',
};

describe('formatting', () => {
  it('prints every queue with its depth, and a missing queue as such', () => {
    expect(
      formatCounts([
        { queue: 'wd.conversation.dead-letter', count: 2 },
        { queue: 'wd.ingress.dead-letter', count: null },
      ]),
    ).toBe(
      [
        'queue                        dead letters',
        'wd.conversation.dead-letter  2',
        'wd.ingress.dead-letter       no queue',
      ].join('\n'),
    );
  });

  it('lists dead letters in columns and says when the limit cut the list', () => {
    const text = formatListing({
      service: 'conversation',
      queue: 'wd.conversation.dead-letter',
      count: 3,
      messages: [summary, { ...summary, index: 2, envelopeId: null, type: null, error: null }],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('wd.conversation.dead-letter: 3 dead letters');
    expect(lines[1]).toMatch(/^#\s+envelope id\s+type\s+dead-lettered at\s+reason\s+last error$/);
    expect(lines[2]).toContain(summary.envelopeId);
    expect(lines[2]).toMatch(/NON_RETRYABLE\s+no such channel$/);
    expect(lines[3]).toContain('(no id)');
    // Columns line up: the type starts at the same place on every row.
    expect(lines[2]?.indexOf('wechat.message')).toBe(lines[1]?.indexOf('type'));
    expect(lines[4]).toBe('(first 2; --limit shows more)');
  });

  it('says an empty queue is empty', () => {
    expect(
      formatListing({
        service: 'outbound',
        queue: 'wd.outbound.dead-letter',
        count: 0,
        messages: [],
      }),
    ).toBe('wd.outbound.dead-letter: 0 dead letters');
  });

  it('shows one dead letter whole, and a body that is not JSON as its text', () => {
    const text = formatDetail({
      ...summary,
      service: 'conversation',
      queue: 'wd.conversation.dead-letter',
      envelope: '<xml>not json',
      properties: { messageId: summary.envelopeId },
      headers: { 'x-attempt': 3 },
      copies: 2,
    });
    expect(text).toContain(`wd.conversation.dead-letter #1: ${summary.envelopeId}`);
    expect(text).toContain('copies in queue:  2');
    expect(text).toContain('    "x-attempt": 3');
    expect(text.endsWith('envelope:\n  <xml>not json')).toBe(true);
  });

  it('reports what a replay moved and what is left', () => {
    expect(
      formatReplay({
        service: 'conversation',
        from: 'wd.conversation.dead-letter',
        to: 'wd.conversation',
        replayed: [
          { index: 1, envelopeId: 'e1', type: 't', removedCopies: 1 },
          { index: 3, envelopeId: null, type: null, removedCopies: 1 },
          { index: 4, envelopeId: 'e4', type: 't', removedCopies: 2 },
        ],
        remaining: 1,
      }),
    ).toBe(
      [
        'replayed 3 from wd.conversation.dead-letter to wd.conversation:',
        '  e1  t',
        '  #3 (no id)  ',
        '  e4  t  (2 copies removed)',
        '1 left in wd.conversation.dead-letter',
      ].join('\n'),
    );
  });
});
