import 'reflect-metadata';

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { urlSignature } from '@wechat-desk/wechat/crypto';

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
    // oUSER wrote just now, so custom messages may reach them.
    await interact('oUSER', { kind: 'message' });
  });

  async function interact(openId: string, body: Record<string, unknown>): Promise<Response> {
    const res = await postJson(
      `/sim/accounts/${account.appId}/users/${openId}/interactions`,
      JSON.stringify(body),
    );
    return res;
  }

  async function advanceClock(seconds: number): Promise<void> {
    const res = await postJson('/sim/clock/advance', JSON.stringify({ seconds }));
    expect(res.status).toBe(200);
  }

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

  describe('WeChat sending rules', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    const text = (touser: string, content: string): string =>
      JSON.stringify({ touser, msgtype: 'text', text: { content } });

    function upload(
      token: string,
      type: string,
      bytes: Buffer | null,
      field = 'media',
    ): Promise<Record<string, unknown>> {
      const form = new FormData();
      form.append('note', 'fields are ignored');
      if (bytes !== null) {
        form.append(field, new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'a.jpg');
      }
      return wechat(
        fetch(`${baseUrl}/cgi-bin/media/upload?access_token=${token}&type=${type}`, {
          method: 'POST',
          body: form,
        }),
      );
    }

    it('records interactions, shows the user, and closes the window after 48 h by the clock', async () => {
      const token = await stableToken();
      const view = (await (await interact('oA', { kind: 'message' })).json()) as Record<
        string,
        unknown
      >;
      expect(view).toMatchObject({
        openId: 'oA',
        following: true,
        canSendCustom: true,
        windows: { message: { open: true, used: 0, limit: 5 } },
      });
      expect(await send(token, text('oA', 'one'))).toEqual(WECHAT_ERRORS.ok);
      await advanceClock(48 * 3600 - 1);
      const fresh = await stableToken();
      expect(await send(fresh, text('oA', 'two'))).toEqual(WECHAT_ERRORS.ok);
      await advanceClock(1);
      const later = await stableToken();
      expect(await send(later, text('oA', 'three'))).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
      const clock = (await (await fetch(`${baseUrl}/sim/clock`)).json()) as Record<string, unknown>;
      expect(clock).toEqual({
        now: new Date(now + 48 * 3600_000).toISOString(),
        offsetSeconds: 172800,
      });

      const user = (await (
        await fetch(`${baseUrl}/sim/accounts/${account.appId}/users/oA`)
      ).json()) as Record<string, unknown>;
      expect(user).toMatchObject({
        canSendCustom: false,
        windows: { message: { open: false } },
        counts: { customSent: 2, sendsSinceMessage: 2 },
      });
      expect(await send(later, text('oNobody', 'x'))).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
      await interact('oA', { kind: 'unfollow' });
      expect(await send(later, text('oA', 'x'))).toEqual(WECHAT_ERRORS.requireSubscribe);
    });

    it('validates the control calls', async () => {
      expect((await interact('oA', { kind: 'view' })).status).toBe(400);
      expect((await interact('oA', { kind: 'message', at: '2999-01-01T00:00:00Z' })).status).toBe(
        400,
      );
      const unknownAccount = await postJson(
        '/sim/accounts/wx1111111111111111/users/oA/interactions',
        JSON.stringify({ kind: 'message' }),
      );
      expect(unknownAccount.status).toBe(404);
      expect((await fetch(`${baseUrl}/sim/accounts/${account.appId}/users/oNone`)).status).toBe(
        404,
      );
      expect((await postJson('/sim/clock/advance', JSON.stringify({ seconds: -1 }))).status).toBe(
        400,
      );
      expect(await items(`/sim/accounts/${account.appId}/users`)).toHaveLength(1);
    });

    it('a follow opens 3 sends for 1 minute', async () => {
      const token = await stableToken();
      await interact('oF', { kind: 'follow', at: new Date(now - 59_000).toISOString() });
      for (const n of [1, 2, 3]) {
        expect(await send(token, text('oF', `p${n}`))).toEqual(WECHAT_ERRORS.ok);
      }
      expect(await send(token, text('oF', 'p4'))).toEqual(WECHAT_ERRORS.responseCountLimit);
      await advanceClock(1);
      expect(await send(token, text('oF', 'p5'))).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
    });

    it('POST /cgi-bin/message/custom/typing shows 15 s, and is listed under /sim/typing', async () => {
      const token = await stableToken();
      const typing = (command: string) =>
        wechat(
          postJson(
            `/cgi-bin/message/custom/typing?access_token=${token}`,
            JSON.stringify({ touser: 'oUSER', command }),
          ),
        );
      expect(await typing('Typing')).toEqual(WECHAT_ERRORS.ok);
      expect(await typing('Typing')).toEqual(WECHAT_ERRORS.responseCountLimit);
      await advanceClock(15);
      expect(await typing('Typing')).toEqual(WECHAT_ERRORS.ok);
      await advanceClock(15);
      expect(await typing('Typing')).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
      expect(await typing('CancelTyping')).toEqual(WECHAT_ERRORS.ok);
      expect((await items('/sim/typing?touser=oUSER')).map((c) => c.json)).toEqual([
        { touser: 'oUSER', command: 'Typing' },
        { touser: 'oUSER', command: 'Typing' },
        { touser: 'oUSER', command: 'CancelTyping' },
      ]);
      expect(await items('/sim/typing?all=1')).toHaveLength(5);
    });

    it('POST /cgi-bin/media/upload takes a multipart file, usable for 3 days', async () => {
      const token = await stableToken();
      const uploaded = await upload(token, 'image', jpeg);
      expect(uploaded).toEqual({
        type: 'image',
        media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        created_at: Math.floor(now / 1000),
      });
      const mediaId = uploaded['media_id'] as string;
      const got = await fetch(
        `${baseUrl}/cgi-bin/media/get?access_token=${token}&media_id=${mediaId}`,
      );
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await got.arrayBuffer()).equals(jpeg)).toBe(true);
      const image = JSON.stringify({
        touser: 'oUSER',
        msgtype: 'image',
        image: { media_id: mediaId },
      });
      expect(await send(token, image)).toEqual(WECHAT_ERRORS.ok);

      expect(await upload(token, 'voice', jpeg)).toEqual(WECHAT_ERRORS.invalidFileType);
      expect(await upload(token, 'file', jpeg)).toEqual(WECHAT_ERRORS.invalidMediaType);
      expect(await upload(token, 'image', jpeg, 'file')).toEqual(WECHAT_ERRORS.mediaDataMissing);
      expect(await upload(token, 'image', null)).toEqual(WECHAT_ERRORS.mediaDataMissing);
      const bigThumb = Buffer.concat([jpeg, Buffer.alloc(64 * 1024)]);
      expect(await upload(token, 'thumb', bigThumb)).toEqual(WECHAT_ERRORS.invalidMediaSize);
      const tooBig = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)]);
      expect(await upload(token, 'image', tooBig)).toEqual(WECHAT_ERRORS.invalidMediaSize);
      expect(await upload('nope', 'image', jpeg)).toEqual(WECHAT_ERRORS.invalidCredential);
      const [call] = await items('/sim/calls?path=/cgi-bin/media/upload');
      expect(call).toMatchObject({
        errcode: 0,
        upload: { field: 'media', fileName: 'a.jpg', size: 10 },
      });

      await advanceClock(3 * 24 * 3600);
      await interact('oUSER', { kind: 'message' });
      expect(await send(await stableToken(), image)).toEqual(WECHAT_ERRORS.invalidMediaId);
    });

    describe('tags and mass sends', () => {
      let callbackServer: Server;
      let received: { url: string; body: string }[];
      const callbackToken = 'simtoken123';

      beforeAll(async () => {
        callbackServer = createServer((request: IncomingMessage, response) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            received.push({ url: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
            response.end('success');
          });
        });
        await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
      });

      afterAll(async () => {
        await new Promise((resolve) => callbackServer.close(resolve));
      });

      beforeEach(async () => {
        received = [];
        const { port } = callbackServer.address() as AddressInfo;
        const withCallback = {
          ...account,
          callbackUrl: `http://127.0.0.1:${port}/wechat/channel-1`,
          callbackToken,
        };
        expect((await postJson('/sim/accounts', JSON.stringify(withCallback))).status).toBe(201);
      });

      const api = (path: string, token: string, body: unknown) =>
        wechat(postJson(`/cgi-bin/${path}?access_token=${token}`, JSON.stringify(body)));

      it('sends to the tag’s members, pushes MASSSENDJOBFINISH signed, and lists all deliveries', async () => {
        const token = await stableToken();
        await interact('oB', { kind: 'follow' });
        await interact('oGone', { kind: 'message' });
        await interact('oGone', { kind: 'unfollow' });
        expect(await send(token, text('oUSER', 'before'))).toEqual(WECHAT_ERRORS.ok);
        expect(await api('tags/create', token, { tag: { name: 'reach-out' } })).toEqual({
          tag: { id: 100, name: 'reach-out' },
        });
        expect(await api('tags/create', token, { tag: { name: 'reach-out' } })).toEqual(
          WECHAT_ERRORS.invalidTagName,
        );
        expect(
          await api('tags/members/batchtagging', token, {
            openid_list: ['oUSER', 'oB', 'oGone'],
            tagid: 100,
          }),
        ).toEqual(WECHAT_ERRORS.ok);
        expect(await wechat(fetch(`${baseUrl}/cgi-bin/tags/get?access_token=${token}`))).toEqual({
          tags: [
            { id: 2, name: '星标组', count: 0 },
            { id: 100, name: 'reach-out', count: 3 },
          ],
        });
        expect(await api('user/tag/get', token, { tagid: 100, next_openid: '' })).toEqual({
          count: 3,
          data: { openid: ['oUSER', 'oB', 'oGone'] },
          next_openid: 'oGone',
        });

        const submitted = await api('message/mass/sendall', token, {
          filter: { is_to_all: false, tag_id: 100 },
          msgtype: 'text',
          text: { content: 'Outside the window' },
        });
        expect(submitted).toEqual({
          errcode: 0,
          errmsg: 'send job submission success',
          msg_id: expect.any(Number),
          msg_data_id: expect.any(Number),
        });
        const msgId = submitted['msg_id'] as number;
        expect(await api('message/mass/get', token, { msg_id: msgId })).toEqual({
          msg_id: msgId,
          msg_status: 'SENDING',
        });
        expect(
          await api('tags/members/batchuntagging', token, { openid_list: ['oUSER'], tagid: 100 }),
        ).toEqual(WECHAT_ERRORS.ok);

        const deadline = Date.now() + 5000;
        let jobs = await items<Record<string, unknown>>('/sim/mass-sends');
        while (jobs[0]?.['callback'] === null && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          jobs = await items<Record<string, unknown>>('/sim/mass-sends');
        }
        expect(jobs).toEqual([
          expect.objectContaining({
            msgId,
            status: 'SEND_SUCCESS',
            msgtype: 'text',
            payload: { content: 'Outside the window' },
            recipients: [
              { openId: 'oUSER', outcome: 'sent' },
              { openId: 'oB', outcome: 'sent' },
              { openId: 'oGone', outcome: 'error-not-following' },
            ],
            counts: { TotalCount: 3, FilterCount: 3, SentCount: 2, ErrorCount: 1 },
            callback: expect.objectContaining({ status: 200, error: null }),
          }),
        ]);
        expect(await api('message/mass/get', token, { msg_id: msgId })).toMatchObject({
          msg_status: 'SEND_SUCCESS',
        });

        expect(received).toHaveLength(1);
        const push = new URL(received[0].url, 'http://x');
        expect(push.pathname).toBe('/wechat/channel-1');
        const timestamp = push.searchParams.get('timestamp') ?? '';
        const nonce = push.searchParams.get('nonce') ?? '';
        expect(push.searchParams.get('signature')).toBe(
          urlSignature(callbackToken, timestamp, nonce),
        );
        expect(received[0].body).toContain('<Event><![CDATA[MASSSENDJOBFINISH]]></Event>');
        expect(received[0].body).toContain(`<MsgID>${msgId}</MsgID>`);
        expect(received[0].body).toContain('<ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>');
        for (const [name, value] of [
          ['TotalCount', 3],
          ['FilterCount', 3],
          ['SentCount', 2],
          ['ErrorCount', 1],
        ] as const) {
          expect(received[0].body).toContain(`<${name}>${value}</${name}>`);
        }

        const deliveries = await items<Record<string, unknown>>('/sim/deliveries?openId=oUSER');
        expect(deliveries.map((d) => [d['source'], d['msgtype'], d['payload']])).toEqual([
          ['custom', 'text', { content: 'before' }],
          ['mass', 'text', { content: 'Outside the window' }],
        ]);
        expect(await items('/sim/deliveries?openId=oGone')).toEqual([]);
      });

      it('finishes a job on request, and refuses mass/send to fewer than 2 OpenIDs', async () => {
        const token = await stableToken();
        const body = { msgtype: 'text', text: { content: 'x' } };
        expect(await api('message/mass/send', token, { touser: ['oUSER'], ...body })).toEqual(
          WECHAT_ERRORS.openIdListTooShort,
        );
        const sent = await api('message/mass/send', token, {
          touser: ['oUSER', 'oUSER2'],
          ...body,
        });
        const finished = await postJson(`/sim/mass-sends/${String(sent['msg_id'])}/finish`, '');
        expect(finished.status).toBe(200);
        expect(await finished.json()).toMatchObject({
          status: 'SEND_SUCCESS',
          counts: { TotalCount: 2, SentCount: 1, ErrorCount: 1 },
          callback: { status: 200 },
        });
        expect((await postJson('/sim/mass-sends/1/finish', '')).status).toBe(404);
        expect(await api('tags/delete', token, { tag: { id: 2 } })).toEqual(
          WECHAT_ERRORS.cannotModifySysTag,
        );
      });
    });
  });
});
