import { parseWechatXml } from '@wechat-desk/wechat/crypto';

import { parsePushCliArgs, type PushCliCommand, UsageError } from './push-cli-args';
import { EVENT_TYPES, MESSAGE_TYPES } from './push-types';

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
      type: 'text',
      msgId: '123',
      innerXml: expect.any(String),
      times: 3,
      likeWechat: false,
      timeoutMs: 800,
    });
    expect(parseWechatXml(command.innerXml)).toEqual({
      ToUserName: 'gh_0123456789ab',
      FromUserName: 'oUSER',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '123',
    });
  });

  it('defaults: plaintext without a key, secure with one, one attempt, 5 s, random MsgId', () => {
    const plain = push([...base, ...message]);
    expect(plain.target.mode).toBe('plaintext');
    expect(plain.times).toBe(1);
    expect(plain.timeoutMs).toBe(5000);
    expect(plain.msgId).toMatch(/^\d+$/);
    expect(plain.likeWechat).toBe(false);
    const sent = parseWechatXml(plain.innerXml);
    expect(sent['MsgId']).toBe(plain.msgId);
    expect(Number(sent['CreateTime'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(push([...base, ...aes, ...message]).target.mode).toBe('secure');
  });

  it.each([...MESSAGE_TYPES.filter((type) => type !== 'text'), ...EVENT_TYPES])(
    'builds a %s push with defaults alone',
    (type) => {
      const command = push([...base, '--to', 'gh_0123456789ab', '--from', 'oUSER', '--type', type]);
      const sent = parseWechatXml(command.innerXml);
      expect(command.type).toBe(type);
      if ((MESSAGE_TYPES as readonly string[]).includes(type)) {
        expect(sent).toMatchObject({ MsgType: type, MsgId: command.msgId });
      } else {
        expect(sent).toMatchObject({ MsgType: 'event', Event: type });
      }
    },
  );

  it('sets fields by their builder names, numbers and lists included', () => {
    const who = ['--to', 'gh_0123456789ab', '--from', 'oUSER'];
    const location = push([
      ...base,
      ...who,
      '--type',
      'location',
      '--field',
      'latitude=-33.5',
      '--field',
      'label=a=b',
    ]);
    expect(parseWechatXml(location.innerXml)).toMatchObject({ Location_X: '-33.5', Label: 'a=b' });
    const pics = push([...base, ...who, '--type', 'pic_weixin', '--field', 'picMd5Sums=a,b']);
    expect(parseWechatXml(pics.innerXml)).toMatchObject({
      SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } },
    });
    const qr = push([
      ...base,
      ...who,
      '--type',
      'subscribe',
      '--field',
      'eventKey=qrscene_7',
      '--field',
      'ticket=T',
    ]);
    expect(parseWechatXml(qr.innerXml)).toMatchObject({ EventKey: 'qrscene_7', Ticket: 'T' });
    expect(qr.msgId).toBeUndefined();
    const job = push([
      ...base,
      ...who,
      '--type',
      'MASSSENDJOBFINISH',
      '--msg-id',
      '77',
      '--field',
      'sentCount=3',
    ]);
    expect(parseWechatXml(job.innerXml)).toMatchObject({ MsgID: '77', SentCount: '3' });
  });

  it('matches a type case-insensitively only when that is unambiguous', () => {
    const who = ['--to', 'gh_0123456789ab', '--from', 'oUSER'];
    expect(push([...base, ...who, '--type', 'scan']).type).toBe('SCAN');
    expect(push([...base, ...who, '--type', 'location']).type).toBe('location');
    expect(push([...base, ...who, '--type', 'LOCATION']).type).toBe('LOCATION');
  });

  it('pushes any other MsgType or Event, each --field an element', () => {
    const who = ['--to', 'gh_0123456789ab', '--from', 'oUSER'];
    const event = push([
      ...base,
      ...who,
      '--type',
      'event:view_miniprogram',
      '--field',
      'EventKey=pages/index',
    ]);
    expect(parseWechatXml(event.innerXml)).toMatchObject({
      MsgType: 'event',
      Event: 'view_miniprogram',
      EventKey: 'pages/index',
    });
    const message = push([
      ...base,
      ...who,
      '--type',
      'message:file',
      '--msg-id',
      '5',
      '--field',
      'Title=a.pdf',
    ]);
    expect(parseWechatXml(message.innerXml)).toMatchObject({
      MsgType: 'file',
      Title: 'a.pdf',
      MsgId: '5',
    });
  });

  it('parses --like-wechat', () => {
    expect(push([...base, ...message, '--like-wechat']).likeWechat).toBe(true);
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
    [[...base, ...message, '--type', 'photo'], '--type must be one of text, image'],
    [[...base, ...message, '--type', 'image'], '--text only applies to text messages, not image'],
    [
      [...base, '--to', 'g', '--from', 'o', '--type', 'CLICK', '--msg-id', '1'],
      '--msg-id does not apply to CLICK',
    ],
    [
      [...base, '--to', 'g', '--from', 'o', '--type', 'CLICK', '--field', 'url=x'],
      'CLICK has no field url (its fields: eventKey)',
    ],
    [
      [...base, '--to', 'g', '--from', 'o', '--type', 'image', '--field', 'picUrl'],
      '--field must be name=value',
    ],
    [
      [...base, '--to', 'g', '--from', 'o', '--type', 'location', '--field', 'scale=big'],
      '--field scale must be a number',
    ],
    [[...base, ...message, '--field', 'msgDataId=abc'], 'msgId must be a decimal string'],
    [
      [...base, '--to', 'g', '--from', 'o', '--type', 'image', '--field', 'eventKey=x'],
      'image has no field eventKey',
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePushCliArgs(argv)).toThrow(UsageError);
    expect(() => parsePushCliArgs(argv)).toThrow(message);
  });

  describe('--sim-url', () => {
    const who = ['--to', 'gh_0123456789ab', '--from', 'oUSER', '--msg-id', '42'];
    const sim = ['--sim-url', 'http://127.0.0.1:8090', '--app-id', 'wx0123456789abcdef'];

    it('plans the sample media under the ids the push carries', () => {
      const image = push([...base, ...who, ...sim, '--type', 'image']);
      expect(image.simMedia).toEqual({
        simUrl: 'http://127.0.0.1:8090',
        appId: 'wx0123456789abcdef',
        items: [{ type: 'image', mediaId: 'sim_mediaId_42' }],
      });
      expect(parseWechatXml(image.innerXml)).toMatchObject({ MediaId: 'sim_mediaId_42' });

      const video = push([...base, ...who, ...sim, '--type', 'shortvideo']);
      expect(video.simMedia?.items).toEqual([
        { type: 'video', mediaId: 'sim_mediaId_42' },
        { type: 'thumb', mediaId: 'sim_thumbMediaId_42' },
      ]);
      expect(parseWechatXml(video.innerXml)).toMatchObject({
        MediaId: 'sim_mediaId_42',
        ThumbMediaId: 'sim_thumbMediaId_42',
      });
    });

    it('leaves a MediaId given with --field alone', () => {
      const video = push([...base, ...who, ...sim, '--type', 'video', '--field', 'mediaId=MINE']);
      expect(video.simMedia?.items).toEqual([{ type: 'thumb', mediaId: 'sim_thumbMediaId_42' }]);
      expect(parseWechatXml(video.innerXml)).toMatchObject({
        MediaId: 'MINE',
        ThumbMediaId: 'sim_thumbMediaId_42',
      });
    });

    it('is absent without --sim-url (defaults unchanged), and refused where it makes no sense', () => {
      const image = push([...base, ...who, '--type', 'image']);
      expect(image.simMedia).toBeUndefined();
      expect(parseWechatXml(image.innerXml)).toMatchObject({ MediaId: 'media_42' });
      expect(() => parsePushCliArgs([...base, ...who, ...sim, '--text', 'hi'])).toThrow(UsageError);
      expect(() =>
        parsePushCliArgs([...base, ...who, '--sim-url', 'http://x', '--type', 'image']),
      ).toThrow(/--app-id/);
      expect(() =>
        parsePushCliArgs([
          ...base,
          ...who,
          '--sim-url',
          'ftp://x',
          '--app-id',
          'wx0123456789abcdef',
          '--type',
          'image',
        ]),
      ).toThrow(/--sim-url must be/);
    });
  });
});
