import { decryptMessage, parseWechatXml } from '@wechat-desk/wechat/crypto';
import { SAMPLE_MEDIA } from '@wechat-desk/wechat/push-client';

import { type CliIo, runPushCli } from './push-cli';

const aesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const args = [
  '--url',
  'http://localhost:8080/wechat/ch_1',
  '--token',
  'T0ken',
  '--to',
  'gh_0123456789ab',
  '--from',
  'oUSER',
  '--text',
  '你好',
];

describe(runPushCli.name, () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;
  let out: string;
  let err: string;
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  };

  beforeEach(() => {
    out = '';
    err = '';
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });

  afterEach(() => {
    fetchMock.mockRestore();
  });

  it('sends the same message --times times and prints each answer', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(new Response('success')));
    const code = await runPushCli(
      [
        ...args,
        '--aes-key',
        aesKey,
        '--app-id',
        'wx0123456789abcdef',
        '--msg-id',
        '99',
        '--times',
        '3',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(out).toMatch(
      /^push text MsgId=99 mode=secure to http:\/\/localhost:8080\/wechat\/ch_1\n/,
    );
    expect(out.match(/attempt \d\/3: HTTP 200 in \d+ ms\nsuccess\n/g)).toHaveLength(3);
    const inners = fetchMock.mock.calls.map(([, init]) => {
      const envelope = parseWechatXml(String(init?.body as string));
      return decryptMessage(aesKey, envelope['Encrypt'] as string).message;
    });
    expect(new Set(inners).size).toBe(1);
    expect(parseWechatXml(inners[0])).toMatchObject({ MsgId: '99', Content: '你好' });
  });

  it('exits 1 when an attempt fails or times out, and keeps going', async () => {
    fetchMock
      .mockResolvedValueOnce(new Response('nope', { status: 401 }))
      .mockRejectedValueOnce(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }))
      .mockResolvedValueOnce(new Response(''));
    expect(await runPushCli([...args, '--times', '3'], io)).toBe(1);
    expect(out).toContain('attempt 1/3: HTTP 401');
    expect(out).toContain('attempt 2/3: request failed: fetch failed (ECONNREFUSED)');
    expect(out).toContain('attempt 3/3: HTTP 200');
  });

  it('resends like WeChat with --like-wechat until the push is acknowledged', async () => {
    fetchMock
      .mockResolvedValueOnce(new Response('try again', { status: 503 }))
      .mockResolvedValueOnce(new Response('success'));
    expect(await runPushCli([...args, '--like-wechat', '--msg-id', '7'], io)).toBe(0);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const [first, second] = fetchMock.mock.calls;
    expect(second[0]).toEqual(first[0]);
    expect(second[1]?.body).toBe(first[1]?.body);
    expect(out).toContain('attempt 1/1, copy 1: HTTP 503 in ');
    expect(out).toContain('(not an acknowledgement)\ntry again\n');
    expect(out).toContain('attempt 1/1, copy 2: HTTP 200 in ');
    expect(out).toMatch(/attempt 1\/1: acknowledged\n$/);
  });

  it('exits 1 when --like-wechat never gets an acknowledgement', async () => {
    fetchMock.mockImplementation(() => Promise.resolve(new Response('', { status: 500 })));
    expect(await runPushCli([...args, '--like-wechat'], io)).toBe(1);
    expect(fetchMock).toHaveBeenCalledTimes(4);
    expect(out).toMatch(/attempt 1\/1: never acknowledged\n$/);
  });

  it('pushes an event with no MsgId in its description', async () => {
    fetchMock.mockResolvedValue(new Response('success'));
    const withoutText = args.slice(0, -2);
    expect(await runPushCli([...withoutText, '--type', 'CLICK', '--field', 'eventKey=K'], io)).toBe(
      0,
    );
    expect(out).toMatch(/^push CLICK mode=plaintext to /);
    expect(parseWechatXml(fetchMock.mock.calls[0][1]?.body as string)).toMatchObject({
      Event: 'CLICK',
      EventKey: 'K',
    });
  });

  it('verifies the callback URL', async () => {
    fetchMock.mockResolvedValue(new Response('777'));
    expect(await runPushCli([...args.slice(0, 4), '--verify', '--echostr', '777'], io)).toBe(0);
    expect(out).toMatch(/^verify: HTTP 200 in \d+ ms, accepted\n777\n$/);
    fetchMock.mockResolvedValue(new Response('"777"'));
    expect(await runPushCli([...args.slice(0, 4), '--verify', '--echostr', '777'], io)).toBe(1);
  });

  it('prints usage errors to stderr and exits 2', async () => {
    expect(await runPushCli(['--url', 'http://x/y'], io)).toBe(2);
    expect(err).toMatch(/^error: --token is required\n\nSends a WeChat push/);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('prints the usage for --help', async () => {
    expect(await runPushCli(['--help'], io)).toBe(0);
    expect(out).toContain('--verify');
  });

  it('--sim-url registers the sample image in the simulator before pushing the message that names it', async () => {
    const seen: string[] = [];
    fetchMock.mockImplementation((input) => {
      const url = input instanceof Request ? input.url : String(input);
      seen.push(url);
      return Promise.resolve(
        url.endsWith('/sim/media')
          ? new Response(JSON.stringify({ mediaId: 'sim_mediaId_7' }), { status: 201 })
          : new Response('success'),
      );
    });
    const code = await runPushCli(
      [
        ...args.filter((arg) => arg !== '--text' && arg !== '你好'),
        '--type',
        'image',
        '--msg-id',
        '7',
        '--app-id',
        'wx0123456789abcdef',
        '--sim-url',
        'http://127.0.0.1:8090/',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(seen).toEqual([
      'http://127.0.0.1:8090/sim/media',
      expect.stringContaining('/wechat/ch_1'),
    ]);
    const registration = JSON.parse(fetchMock.mock.calls[0]?.[1]?.body as string) as Record<
      string,
      unknown
    >;
    expect(registration).toEqual({
      appId: 'wx0123456789abcdef',
      type: 'image',
      contentType: 'image/png',
      base64: SAMPLE_MEDIA.image.bytes.toString('base64'),
      mediaId: 'sim_mediaId_7',
    });
    expect(parseWechatXml(fetchMock.mock.calls[1]?.[1]?.body as string)).toMatchObject({
      MsgType: 'image',
      MediaId: 'sim_mediaId_7',
    });
    expect(out).toContain('registered image media sim_mediaId_7 in the simulator');
  });

  it('--sim-url: a simulator that refuses the media fails the run before any push', async () => {
    fetchMock.mockImplementation(() =>
      Promise.resolve(new Response('{"error":{"code":"ACCOUNT_NOT_FOUND"}}', { status: 404 })),
    );
    const code = await runPushCli(
      [
        ...args.filter((arg) => arg !== '--text' && arg !== '你好'),
        '--type',
        'voice',
        '--app-id',
        'wx0123456789abcdef',
        '--sim-url',
        'http://127.0.0.1:8090',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(out).toContain('ACCOUNT_NOT_FOUND');
  });
});
