import 'reflect-metadata';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  createWechatSimulatorApp,
  type RecordedCall,
  WECHAT_ERRORS,
  WECHAT_JSON_CONTENT_TYPE,
  WechatSimulatorModule,
} from './index';

const account = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};
const credentials = {
  grant_type: 'client_credential',
  appid: account.appId,
  secret: account.appSecret,
};

describe('WeChat simulator over HTTP', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let now = Date.UTC(2026, 0, 1);
  const advance = (seconds: number): void => {
    now += seconds * 1000;
  };

  beforeAll(async () => {
    app = await createWechatSimulatorApp(WechatSimulatorModule.forRoot({ clock: () => now }), {
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    expect((await fetch(`${baseUrl}/sim/state`, { method: 'DELETE' })).status).toBe(204);
    const created = await postJson('/sim/accounts', JSON.stringify(account));
    expect(created.status).toBe(201);
  });

  /** contentType null: bytes without any Content-Type header. */
  async function postJson(
    path: string,
    body: string,
    contentType: string | null = 'application/json',
  ): Promise<Response> {
    return fetch(`${baseUrl}${path}`, {
      method: 'POST',
      ...(contentType === null
        ? { body: new TextEncoder().encode(body) }
        : { headers: { 'Content-Type': contentType }, body }),
    });
  }

  /** Calls a WeChat endpoint and checks it answers like WeChat: HTTP 200, WeChat's JSON type. */
  async function wechat(response: Promise<Response>): Promise<Record<string, unknown>> {
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(WECHAT_JSON_CONTENT_TYPE);
    return (await res.json()) as Record<string, unknown>;
  }

  async function stableToken(extra: Record<string, unknown> = {}): Promise<string> {
    const body = await wechat(
      postJson('/cgi-bin/stable_token', JSON.stringify({ ...credentials, ...extra })),
    );
    expect(typeof body['access_token']).toBe('string');
    return body['access_token'] as string;
  }

  async function classicToken(): Promise<string> {
    const query = new URLSearchParams(credentials).toString();
    const body = await wechat(fetch(`${baseUrl}/cgi-bin/token?${query}`));
    return body['access_token'] as string;
  }

  function send(token: string | null, body: string, contentType?: string | null) {
    const query = token === null ? '' : `?access_token=${encodeURIComponent(token)}`;
    return wechat(postJson(`/cgi-bin/message/custom/send${query}`, body, contentType));
  }

  async function items<T = RecordedCall>(path: string): Promise<T[]> {
    const res = await fetch(`${baseUrl}${path}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: T[] }).items;
  }

  const textBody = JSON.stringify({ touser: 'oUSER', msgtype: 'text', text: { content: 'hi' } });

  it('answers GET /health/live', async () => {
    const res = await fetch(`${baseUrl}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  describe('control API', () => {
    it('validates and lists accounts', async () => {
      const bad = await postJson('/sim/accounts', JSON.stringify({ appId: 'wx1', appSecret: 'x' }));
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: { appId: expect.any(String) } },
      });
      expect((await postJson('/sim/accounts', 'nope')).status).toBe(400);
      expect(await items('/sim/accounts')).toEqual([account]);
    });

    it('refuses to expire tokens of an unknown account', async () => {
      const res = await fetch(`${baseUrl}/sim/accounts/wx1111111111111111/expire-tokens`, {
        method: 'POST',
      });
      expect(res.status).toBe(404);
    });
  });

  describe('API IP whitelist', () => {
    async function put(path: string, body: unknown): Promise<Response> {
      return fetch(`${baseUrl}${path}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    }

    it('answers 40164 with the address WeChat saw, on both token endpoints', async () => {
      const set = await put(`/sim/accounts/${account.appId}/ip-whitelist`, {
        ips: ['203.0.113.7'],
      });
      expect(set.status).toBe(200);
      expect(await set.json()).toEqual({ appId: account.appId, ips: ['203.0.113.7'] });

      const refused = {
        errcode: 40164,
        errmsg: 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
      };
      expect(await wechat(postJson('/cgi-bin/stable_token', JSON.stringify(credentials)))).toEqual(
        refused,
      );
      const query = new URLSearchParams(credentials).toString();
      expect(await wechat(fetch(`${baseUrl}/cgi-bin/token?${query}`))).toEqual(refused);

      await put(`/sim/accounts/${account.appId}/ip-whitelist`, { ips: ['127.0.0.1'] });
      await stableToken();
      await put(`/sim/accounts/${account.appId}/ip-whitelist`, { ips: [] });
      await stableToken();
    });

    it('takes the whitelist with the account, and validates it', async () => {
      const created = await postJson(
        '/sim/accounts',
        JSON.stringify({ ...account, ipWhitelist: ['198.51.100.1'] }),
      );
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ ...account, ipWhitelist: ['198.51.100.1'] });
      const body = await wechat(postJson('/cgi-bin/stable_token', JSON.stringify(credentials)));
      expect(body['errcode']).toBe(40164);
      const read = await fetch(`${baseUrl}/sim/accounts/${account.appId}/ip-whitelist`);
      expect(await read.json()).toEqual({ appId: account.appId, ips: ['198.51.100.1'] });

      const bad = await postJson('/sim/accounts', JSON.stringify({ ...account, ipWhitelist: 'x' }));
      expect(bad.status).toBe(400);
      expect((await put(`/sim/accounts/wx1111111111111111/ip-whitelist`, { ips: [] })).status).toBe(
        404,
      );
      expect((await put(`/sim/accounts/${account.appId}/ip-whitelist`, { ips: [1] })).status).toBe(
        400,
      );
    });
  });

  describe('POST /cgi-bin/stable_token', () => {
    it('returns the same token while valid, counting expires_in down', async () => {
      const res = await postJson('/cgi-bin/stable_token', JSON.stringify(credentials));
      const raw = await res.text();
      expect(raw).toMatch(/^\{"access_token":"[A-Za-z0-9_-]{100,}","expires_in":7200\}$/);
      const first = (JSON.parse(raw) as { access_token: string }).access_token;
      advance(60);
      expect(await wechat(postJson('/cgi-bin/stable_token', JSON.stringify(credentials)))).toEqual({
        access_token: first,
        expires_in: 7140,
      });
    });

    it('force_refresh issues a new token and the old one stops working', async () => {
      const first = await stableToken();
      const second = await stableToken({ force_refresh: true });
      expect(second).not.toBe(first);
      expect(await send(first, textBody)).toEqual(WECHAT_ERRORS.invalidCredential);
      expect(await send(second, textBody)).toEqual(WECHAT_ERRORS.ok);
    });

    it.each([
      ['grant_type missing', 40002, JSON.stringify({ appid: account.appId, secret: 'x' })],
      ['unknown appid', 40013, JSON.stringify({ ...credentials, appid: 'wx1111111111111111' })],
      ['wrong secret', 40125, JSON.stringify({ ...credentials, secret: 'f'.repeat(32) })],
      ['body not JSON', 47001, 'grant_type=client_credential'],
    ])('%s → %d with HTTP 200', async (_name, errcode, body) => {
      const answer = await wechat(postJson('/cgi-bin/stable_token', body));
      expect(answer['errcode']).toBe(errcode);
      expect(Object.keys(answer)).toEqual(['errcode', 'errmsg']);
    });
  });

  describe('GET /cgi-bin/token', () => {
    it('supersedes: the previous token works for 5 minutes, then answers 40001', async () => {
      const stable = await stableToken();
      const first = await classicToken();
      const second = await classicToken();
      expect(second).not.toBe(first);
      expect(await send(first, textBody)).toEqual(WECHAT_ERRORS.ok);
      advance(300);
      expect(await send(first, textBody)).toEqual(WECHAT_ERRORS.invalidCredential);
      expect(await send(second, textBody)).toEqual(WECHAT_ERRORS.ok);
      // Isolated from stable_token: that token is untouched.
      expect(await send(stable, textBody)).toEqual(WECHAT_ERRORS.ok);
      expect(await stableToken()).toBe(stable);
    });

    it('refuses wrong credentials', async () => {
      const answer = await wechat(fetch(`${baseUrl}/cgi-bin/token?grant_type=client_credential`));
      expect(answer).toEqual(WECHAT_ERRORS.invalidAppId);
    });
  });

  describe('POST /cgi-bin/message/custom/send', () => {
    it('accepts a text message and lists it under /sim/custom-messages', async () => {
      const token = await stableToken();
      expect(await send(token, textBody)).toEqual(WECHAT_ERRORS.ok);
      const [message] = await items(`/sim/custom-messages?appId=${account.appId}&touser=oUSER`);
      expect(message).toMatchObject({
        path: '/cgi-bin/message/custom/send',
        method: 'POST',
        accessToken: token,
        appId: account.appId,
        query: { access_token: token },
        rawBody: textBody,
        json: JSON.parse(textBody),
        errcode: 0,
        errmsg: 'ok',
        at: new Date(now).toISOString(),
      });
      expect(await items('/sim/custom-messages?touser=oOTHER')).toEqual([]);
    });

    it('answers each WeChat error code', async () => {
      const token = await stableToken();
      const text = (content: string): string =>
        JSON.stringify({ touser: 'oUSER', msgtype: 'text', text: { content } });
      expect(await send(null, textBody)).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(await send('not-a-token', textBody)).toEqual(WECHAT_ERRORS.invalidCredential);
      expect(await send(token, '')).toEqual(WECHAT_ERRORS.emptyPostData);
      expect(await send(token, '{"touser":')).toEqual(WECHAT_ERRORS.dataFormatError);
      expect(await send(token, '{"msgtype":"text","text":{"content":"x"}}')).toEqual(
        WECHAT_ERRORS.invalidOpenId,
      );
      expect(await send(token, '{"touser":"oUSER","msgtype":"file"}')).toEqual(
        WECHAT_ERRORS.invalidMessageType,
      );
      expect(await send(token, '{"touser":"oUSER","msgtype":"image","image":{}}')).toEqual(
        WECHAT_ERRORS.dataFormatError,
      );
      expect(await send(token, text('好'.repeat(683)))).toEqual(
        WECHAT_ERRORS.contentSizeOutOfLimit,
      );
      const expired = await fetch(`${baseUrl}/sim/accounts/${account.appId}/expire-tokens`, {
        method: 'POST',
      });
      expect(await expired.json()).toEqual({ appId: account.appId, expired: 1 });
      expect(await send(token, textBody)).toEqual(WECHAT_ERRORS.accessTokenExpired);

      expect(await items('/sim/custom-messages')).toEqual([]);
      const attempts = await items('/sim/custom-messages?all=1');
      expect(attempts.map((call) => call.errcode)).toEqual([
        41001, 40001, 44002, 47001, 40003, 40008, 47001, 45002, 42001,
      ]);
      expect(attempts.map((call) => call.appId)).toEqual([
        null,
        null,
        ...Array<string>(7).fill(account.appId),
      ]);
    });

    it('records the raw body byte-for-byte, whatever the spacing, escapes or content type', async () => {
      const token = await stableToken();
      const bodies: [string, string | null][] = [
        [
          '{"touser":"oUSER","msgtype":"text","text":{"content":"你好 👋 café\\n<a href=\\"https://x\\">x</a>"}}',
          'application/json; charset=utf-8',
        ],
        [
          '{ "touser" :"oUSER",\n\t"msgtype": "text" , "text":{ "content" : "\\u4f60\\u597d" } }\r\n',
          'application/json',
        ],
        ['{"touser":"oUSER","msgtype":"text","text":{"content":"plain"}}', 'text/plain'],
        ['{"touser":"oUSER","msgtype":"text","text":{"content":"none"}}', null],
      ];
      for (const [body, contentType] of bodies) {
        expect(await send(token, body, contentType)).toEqual(WECHAT_ERRORS.ok);
      }
      const recorded = await items('/sim/custom-messages');
      expect(recorded.map((call) => call.rawBody)).toEqual(bodies.map(([body]) => body));
      expect(recorded.map((call) => Buffer.from(call.rawBody, 'utf8'))).toEqual(
        bodies.map(([body]) => Buffer.from(body, 'utf8')),
      );
      expect(recorded[1]?.json).toEqual({
        touser: 'oUSER',
        msgtype: 'text',
        text: { content: '你好' },
      });
    });

    it('records a JSON content type with a broken body instead of rejecting it', async () => {
      const token = await stableToken();
      expect(await send(token, '{"touser": "oUSER",,}')).toEqual(WECHAT_ERRORS.dataFormatError);
      const [call] = await items('/sim/custom-messages?all=1');
      expect(call).toMatchObject({ rawBody: '{"touser": "oUSER",,}', json: null, errcode: 47001 });
    });
  });

  it('lists every call, token calls included, filtered by path', async () => {
    await stableToken();
    await stableToken();
    await classicToken();
    await wechat(postJson('/cgi-bin/stable_token', '{}'));
    expect(await items('/sim/calls')).toHaveLength(4);
    const stableCalls = await items('/sim/calls?path=/cgi-bin/stable_token');
    expect(stableCalls.map((call) => call.errcode)).toEqual([0, 0, 40002]);
    expect(await items('/sim/calls?path=/cgi-bin/token')).toHaveLength(1);
  });

  it('DELETE /sim/state clears everything, or keeps accounts on request', async () => {
    const token = await stableToken();
    expect((await fetch(`${baseUrl}/sim/state?keepAccounts=1`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(await items('/sim/calls')).toEqual([]);
    expect(await items('/sim/accounts')).toHaveLength(1);
    expect(await send(token, textBody)).toEqual(WECHAT_ERRORS.invalidCredential);
    await fetch(`${baseUrl}/sim/state`, { method: 'DELETE' });
    expect(await items('/sim/accounts')).toEqual([]);
  });

  describe('temporary media (GET /cgi-bin/media/get)', () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );

    async function register(fields: Record<string, unknown>): Promise<Response> {
      return postJson('/sim/media', JSON.stringify({ appId: account.appId, ...fields }));
    }

    async function registered(
      type: string,
      contentType: string,
      bytes: Buffer,
      mediaId?: string,
    ): Promise<string> {
      const response = await register({
        type,
        contentType,
        base64: bytes.toString('base64'),
        ...(mediaId === undefined ? {} : { mediaId }),
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { mediaId: string; size: number };
      expect(body.size).toBe(bytes.length);
      return body.mediaId;
    }

    function mediaGet(token: string | null, mediaId: string): Promise<Response> {
      const query = new URLSearchParams({
        ...(token === null ? {} : { access_token: token }),
        media_id: mediaId,
      });
      return fetch(`${baseUrl}/cgi-bin/media/get?${query.toString()}`);
    }

    it('answers the stored bytes with their Content-Type and Content-disposition', async () => {
      const mediaId = await registered('image', 'image/png', png);
      expect(mediaId).toMatch(/^[A-Za-z0-9_-]{64}$/);
      const token = await stableToken();

      const response = await mediaGet(token, mediaId);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="${mediaId}.png"`,
      );
      expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
      const [call] = await items(`/sim/calls?path=/cgi-bin/media/get`);
      expect(call).toMatchObject({
        method: 'GET',
        appId: account.appId,
        accessToken: token,
        errcode: 0,
        query: { media_id: mediaId },
      });
    });

    it('answers a video as JSON {video_url}, whose bytes it serves', async () => {
      const bytes = Buffer.from('....ftypmp42 not really a video');
      const mediaId = await registered('video', 'video/mp4', bytes, 'video_1');
      expect(mediaId).toBe('video_1');
      const body = await wechat(mediaGet(await stableToken(), mediaId));
      expect(body).toEqual({ video_url: `${baseUrl}/sim/video-files/video_1` });

      const video = await fetch(body['video_url'] as string);
      expect(video.status).toBe(200);
      expect(video.headers.get('content-type')).toBe('video/mp4');
      expect(Buffer.from(await video.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await fetch(`${baseUrl}/sim/video-files/nope`)).status).toBe(404);
    });

    it('checks the token first, like custom/send; unknown, foreign or 3-day-old media answer 40007', async () => {
      const mediaId = await registered('voice', 'audio/amr', Buffer.from('#!AMR\n'));
      expect(await wechat(mediaGet(null, mediaId))).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(await wechat(mediaGet('not-a-token', mediaId))).toEqual(
        WECHAT_ERRORS.invalidCredential,
      );
      const token = await stableToken();
      expect(await wechat(mediaGet(token, 'unknown_media'))).toEqual(WECHAT_ERRORS.invalidMediaId);

      const other = { ...account, appId: 'wx0123456789abcdee' };
      expect((await postJson('/sim/accounts', JSON.stringify(other))).status).toBe(201);
      const foreign = await postJson(
        '/sim/media',
        JSON.stringify({
          appId: other.appId,
          type: 'image',
          contentType: 'image/png',
          base64: png.toString('base64'),
        }),
      );
      const { mediaId: foreignId } = (await foreign.json()) as { mediaId: string };
      expect(await wechat(mediaGet(token, foreignId))).toEqual(WECHAT_ERRORS.invalidMediaId);

      advance(3 * 24 * 3600 - 10);
      const fresh = await stableToken();
      expect((await mediaGet(fresh, mediaId)).headers.get('content-type')).toBe('audio/amr');
      advance(10);
      expect(await wechat(mediaGet(await stableToken(), mediaId))).toEqual(
        WECHAT_ERRORS.invalidMediaId,
      );
    });

    it('injected faults fail the next n calls, then the media answers again', async () => {
      const mediaId = await registered('image', 'image/png', png);
      const token = await stableToken();
      const inject = (body: unknown) =>
        postJson(`/sim/media/${mediaId}/faults`, JSON.stringify(body));

      expect((await inject({ failNext: 1, mode: 'system-busy' })).status).toBe(200);
      expect(await wechat(mediaGet(token, mediaId))).toEqual({
        errcode: -1,
        errmsg: 'system error',
      });
      expect((await inject({ failNext: 1, mode: 'expired' })).status).toBe(200);
      expect(await wechat(mediaGet(token, mediaId))).toEqual(WECHAT_ERRORS.invalidMediaId);
      expect((await inject({ failNext: 2, mode: 'http-500' })).status).toBe(200);
      expect((await mediaGet(token, mediaId)).status).toBe(500);
      expect((await mediaGet(token, mediaId)).status).toBe(500);
      expect((await inject({ failNext: 1, mode: 'timeout', delayMs: 1_000 })).status).toBe(200);
      await expect(
        fetch(`${baseUrl}/cgi-bin/media/get?access_token=${token}&media_id=${mediaId}`, {
          signal: AbortSignal.timeout(200),
        }),
      ).rejects.toThrow();
      const ok = await mediaGet(token, mediaId);
      expect(ok.status).toBe(200);
      expect(Buffer.from(await ok.arrayBuffer()).equals(png)).toBe(true);

      const calls = await items('/sim/calls?path=/cgi-bin/media/get');
      expect(calls.map((call) => call.fault ?? 'ok')).toEqual([
        'system-busy',
        'expired',
        'http-500',
        'http-500',
        'timeout',
        'ok',
      ]);
    });

    it('validates registrations and faults', async () => {
      const bad = await register({ type: 'file', contentType: 'nope', base64: '***' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { details: object } }).error.details).toEqual({
        type: expect.any(String),
        contentType: expect.any(String),
        base64: expect.any(String),
      });
      const unknownAccount = await postJson(
        '/sim/media',
        JSON.stringify({
          appId: 'wx0000000000000000',
          type: 'image',
          contentType: 'image/png',
          base64: '',
        }),
      );
      expect(unknownAccount.status).toBe(404);
      expect(
        (await postJson('/sim/media/none/faults', JSON.stringify({ failNext: 1, mode: 'expired' })))
          .status,
      ).toBe(404);
      const mediaId = await registered('thumb', 'image/jpeg', Buffer.from([0xff, 0xd8]));
      expect(
        (
          await postJson(
            `/sim/media/${mediaId}/faults`,
            JSON.stringify({ failNext: -1, mode: 'x' }),
          )
        ).status,
      ).toBe(400);
    });
  });
});
