import { parsePushCliArgs, type PushCliCommand, UsageError } from './push-cli-args';

const base = ['--url', 'http://localhost:8080/wechat/ch_1', '--token', 'T0ken'];
const message = ['--to', 'gh_0123456789ab', '--from', 'oUSER', '--text', 'hello'];
const aes = [
  '--aes-key',
  'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  '--app-id',
  'wx0123456789abcdef',
];

function push(argv: string[]): Extract<PushCliCommand, { kind: 'push' }> {
  const command = parsePushCliArgs(argv);
  if (command.kind !== 'push') {
    throw new Error(`expected a push, got ${command.kind}`);
  }
  return command;
}

describe(parsePushCliArgs.name, () => {
  it('parses a secure push with all options', () => {
    const command = push([
      ...base,
      '--mode',
      'secure',
      ...aes,
      ...message,
      '--msg-id',
      '123',
      '--times',
      '3',
      '--create-time',
      '1700000000',
      '--timeout-ms',
      '800',
    ]);
    expect(command).toEqual({
      kind: 'push',
      target: {
        callbackUrl: 'http://localhost:8080/wechat/ch_1',
        token: 'T0ken',
        mode: 'secure',
        encodingAesKey: aes[1],
        appId: aes[3],
        originalId: 'gh_0123456789ab',
        openId: 'oUSER',
      },
      message: {
        toUserName: 'gh_0123456789ab',
        fromUserName: 'oUSER',
        content: 'hello',
        msgId: '123',
        createTime: 1700000000,
      },
      times: 3,
      timeoutMs: 800,
    });
  });

  it('defaults: plaintext without a key, secure with one, one attempt, 5 s, random MsgId', () => {
    const plain = push([...base, ...message]);
    expect(plain.target.mode).toBe('plaintext');
    expect(plain.times).toBe(1);
    expect(plain.timeoutMs).toBe(5000);
    expect(plain.message.msgId).toMatch(/^\d+$/);
    expect(plain.message.createTime).toBeUndefined();
    expect(push([...base, ...aes, ...message]).target.mode).toBe('secure');
  });

  it('parses --verify with only the URL and token', () => {
    expect(parsePushCliArgs([...base, '--verify', '--echostr', '42'])).toEqual({
      kind: 'verify',
      target: { callbackUrl: base[1], token: 'T0ken', mode: 'plaintext' },
      echostr: '42',
      timeoutMs: 5000,
    });
  });

  it('recognises --help and -h', () => {
    expect(parsePushCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parsePushCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[...message, '--token', 'T'], '--url is required'],
    [['--url', 'http://x/y', ...message], '--token is required'],
    [['--url', 'ftp://x/y', '--token', 'T', ...message], '--url must be an http(s) URL'],
    [['--url', 'not a url', '--token', 'T', ...message], '--url must be an http(s) URL'],
    [[...base, '--to', 'gh_x', '--from', 'o'], '--text is required'],
    [[...base, '--mode', 'secure', ...message], '--aes-key (secure mode) is required'],
    [
      [...base, '--mode', 'compatible', '--aes-key', 'k', ...message],
      '--app-id (compatible mode) is required',
    ],
    [[...base, '--mode', 'aes', ...message], '--mode must be one of plaintext, compatible, secure'],
    [[...base, ...message, '--times', '0'], '--times must be at least 1'],
    [[...base, ...message, '--times', 'x'], '--times must be a whole number'],
    [[...base, ...message, '--msg-id', '12ab'], '--msg-id must be a decimal number'],
    [[...base, ...message, '--bogus'], "Unknown option '--bogus'"],
    [[...base, ...message, 'stray'], 'stray'],
    [[...base, '--text'], "Option '--text <value>' argument missing"],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePushCliArgs(argv)).toThrow(UsageError);
    expect(() => parsePushCliArgs(argv)).toThrow(message);
  });
});
