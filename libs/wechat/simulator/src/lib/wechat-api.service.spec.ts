import type { SimAccount } from './accounts';
import { AudienceStateService } from './audience-state.service';
import { SimulatorStateService } from './simulator-state.service';
import { type TokenResponse, WechatApiService, type WechatResponse } from './wechat-api.service';
import { WECHAT_ERRORS } from './wechat-errors';

const account: SimAccount = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};
const credentials = {
  grant_type: 'client_credential',
  appid: account.appId,
  secret: account.appSecret,
};

function accessTokenOf(response: WechatResponse): string {
  if (!('access_token' in response)) {
    throw new Error(`expected a token, got ${JSON.stringify(response)}`);
  }
  return response.access_token;
}

describe(WechatApiService.name, () => {
  let now: number;
  let state: SimulatorStateService;
  let audience: AudienceStateService;
  let api: WechatApiService;

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
    state = new SimulatorStateService(() => now, { accounts: [account] });
    audience = new AudienceStateService(state);
    api = new WechatApiService(state, audience);
  });

  describe('stableToken', () => {
    it('grants a token for a JSON body with the right credentials', () => {
      const response = api.stableToken({}, JSON.stringify(credentials)) as TokenResponse;
      expect(response).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect(state.listCalls()).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/cgi-bin/stable_token',
          appId: account.appId,
          rawBody: JSON.stringify(credentials),
          json: credentials,
          errcode: 0,
          errmsg: 'ok',
        }),
      ]);
    });

    it('force_refresh only when it is literally true', () => {
      const first = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
      const same = accessTokenOf(
        api.stableToken({}, JSON.stringify({ ...credentials, force_refresh: 'true' })),
      );
      expect(same).toBe(first);
      const forced = accessTokenOf(
        api.stableToken({}, JSON.stringify({ ...credentials, force_refresh: true })),
      );
      expect(forced).not.toBe(first);
    });

    it.each([
      ['not JSON', 'grant_type=client_credential', WECHAT_ERRORS.dataFormatError],
      ['empty', '', WECHAT_ERRORS.dataFormatError],
      ['a JSON array', '[]', WECHAT_ERRORS.dataFormatError],
      [
        'no grant_type',
        JSON.stringify({ ...credentials, grant_type: undefined }),
        WECHAT_ERRORS.invalidGrantType,
      ],
      [
        'another grant_type',
        JSON.stringify({ ...credentials, grant_type: 'password' }),
        WECHAT_ERRORS.invalidGrantType,
      ],
      [
        'an unknown appid',
        JSON.stringify({ ...credentials, appid: 'wx1111111111111111' }),
        WECHAT_ERRORS.invalidAppId,
      ],
      [
        'no appid',
        JSON.stringify({ ...credentials, appid: undefined }),
        WECHAT_ERRORS.invalidAppId,
      ],
      [
        'a wrong secret',
        JSON.stringify({ ...credentials, secret: 'x' }),
        WECHAT_ERRORS.invalidAppSecret,
      ],
    ])('answers %s with the WeChat error', (_name, body, expected) => {
      expect(api.stableToken({}, body)).toEqual(expected);
      expect(state.listCalls()[0]).toMatchObject({ rawBody: body, errcode: expected.errcode });
    });

    it('checks grant_type before appid before secret', () => {
      expect(api.stableToken({}, JSON.stringify({ grant_type: 'x', appid: 'y' }))).toEqual(
        WECHAT_ERRORS.invalidGrantType,
      );
      expect(
        api.stableToken({}, JSON.stringify({ grant_type: 'client_credential', appid: 'y' })),
      ).toEqual(WECHAT_ERRORS.invalidAppId);
    });
  });

  describe('classicToken', () => {
    it('issues a new token per call and records the query', () => {
      const first = accessTokenOf(api.classicToken(credentials));
      const second = accessTokenOf(api.classicToken(credentials));
      expect(second).not.toBe(first);
      expect(state.listCalls({ path: '/cgi-bin/token' })).toHaveLength(2);
      expect(state.listCalls()[0]).toMatchObject({
        method: 'GET',
        query: credentials,
        appId: account.appId,
        rawBody: '',
        json: null,
      });
    });

    it.each([
      [{ appid: account.appId, secret: account.appSecret }, WECHAT_ERRORS.invalidGrantType],
      [{ ...credentials, appid: 'wx1111111111111111' }, WECHAT_ERRORS.invalidAppId],
      [{ ...credentials, secret: 'f'.repeat(32) }, WECHAT_ERRORS.invalidAppSecret],
    ])('refuses %j', (query, expected) => {
      expect(api.classicToken(query)).toEqual(expected);
    });
  });

  describe('customSend', () => {
    const body = JSON.stringify({ touser: 'oA', msgtype: 'text', text: { content: 'hi' } });
    let token: string;

    beforeEach(() => {
      token = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
      audience.recordInteraction(account.appId, 'oA', 'message', now);
    });

    it('accepts a valid message and records it with the token’s appid', () => {
      expect(api.customSend({ access_token: token }, body)).toEqual(WECHAT_ERRORS.ok);
      expect(state.listCustomMessages()).toEqual([
        expect.objectContaining({
          path: '/cgi-bin/message/custom/send',
          accessToken: token,
          appId: account.appId,
          rawBody: body,
          json: JSON.parse(body),
          errcode: 0,
        }),
      ]);
    });

    it('checks the token before the body', () => {
      expect(api.customSend({}, '')).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(api.customSend({ access_token: '' }, body)).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(api.customSend({ access_token: 'unknown' }, '')).toEqual(
        WECHAT_ERRORS.invalidCredential,
      );
      state.expireTokens(account.appId);
      expect(api.customSend({ access_token: token }, body)).toEqual(
        WECHAT_ERRORS.accessTokenExpired,
      );
      expect(state.listCalls({ path: '/cgi-bin/message/custom/send' }).at(-1)).toMatchObject({
        appId: account.appId,
        errcode: 42001,
      });
    });

    it('answers 40001 for a token superseded by force_refresh', () => {
      api.stableToken({}, JSON.stringify({ ...credentials, force_refresh: true }));
      expect(api.customSend({ access_token: token }, body)).toEqual(
        WECHAT_ERRORS.invalidCredential,
      );
    });

    it.each([
      ['empty', '', WECHAT_ERRORS.emptyPostData],
      ['blank', ' \n', WECHAT_ERRORS.emptyPostData],
      ['not JSON', '{touser:', WECHAT_ERRORS.dataFormatError],
      ['without touser', '{"msgtype":"text","text":{"content":"x"}}', WECHAT_ERRORS.invalidOpenId],
      ['with a bad msgtype', '{"touser":"oA","msgtype":"txt"}', WECHAT_ERRORS.invalidMessageType],
      [
        'too long',
        JSON.stringify({ touser: 'oA', msgtype: 'text', text: { content: 'x'.repeat(2049) } }),
        WECHAT_ERRORS.contentSizeOutOfLimit,
      ],
    ])('refuses a body that is %s', (_name, raw, expected) => {
      expect(api.customSend({ access_token: token }, raw)).toEqual(expected);
      expect(state.listCustomMessages()).toHaveLength(0);
      expect(state.listCustomMessages({ all: true })[0]).toMatchObject({
        rawBody: raw,
        errcode: expected.errcode,
        errmsg: expected.errmsg,
      });
    });
  });
});

describe('WeChat sending rules through the API', () => {
  const S = 1000;
  const H = 3600 * S;
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  let now: number;
  let state: SimulatorStateService;
  let audience: AudienceStateService;
  let api: WechatApiService;
  let token: string;
  const text = (touser: string, content = 'hi'): string =>
    JSON.stringify({ touser, msgtype: 'text', text: { content } });
  const image = (touser: string, mediaId: string): string =>
    JSON.stringify({ touser, msgtype: 'image', image: { media_id: mediaId } });

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
    state = new SimulatorStateService(() => now, { accounts: [account] });
    audience = new AudienceStateService(state);
    api = new WechatApiService(state, audience);
    token = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
  });

  it('refuses an OpenID nobody knows (45015) and another account’s (40003)', () => {
    expect(api.customSend({ access_token: token }, text('oNobody'))).toEqual(
      WECHAT_ERRORS.responseOutOfTimeLimit,
    );
    audience.recordInteraction('wxfedcba9876543210', 'oElsewhere', 'message', now);
    expect(api.customSend({ access_token: token }, text('oElsewhere'))).toEqual(
      WECHAT_ERRORS.invalidOpenId,
    );
  });

  it('enforces the 48 h window and 5 sends, to the second, and delivers each accepted message once', () => {
    audience.recordInteraction(account.appId, 'oA', 'message', now);
    for (let i = 1; i <= 5; i += 1) {
      expect(api.customSend({ access_token: token }, text('oA', `m${i}`))).toEqual(
        WECHAT_ERRORS.ok,
      );
    }
    expect(api.customSend({ access_token: token }, text('oA', 'm6'))).toEqual(
      WECHAT_ERRORS.responseCountLimit,
    );
    now += H;
    audience.recordInteraction(account.appId, 'oA', 'message', now);
    now += 48 * H - S;
    token = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
    expect(api.customSend({ access_token: token }, text('oA', 'late'))).toEqual(WECHAT_ERRORS.ok);
    now += S;
    token = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
    expect(api.customSend({ access_token: token }, text('oA', 'too late'))).toEqual(
      WECHAT_ERRORS.responseOutOfTimeLimit,
    );
    expect(audience.listDeliveries({ openId: 'oA' }).map((d) => d.payload)).toEqual(
      ['m1', 'm2', 'm3', 'm4', 'm5', 'late'].map((content) => ({ content })),
    );
    expect(audience.getUser(account.appId, 'oA')).toMatchObject({
      customSent: 6,
      sendsSinceMessage: 1,
    });
  });

  it('answers 43004 once the user unfollowed', () => {
    audience.recordInteraction(account.appId, 'oA', 'message', now);
    audience.recordInteraction(account.appId, 'oA', 'unfollow', now);
    expect(api.customSend({ access_token: token }, text('oA'))).toEqual(
      WECHAT_ERRORS.requireSubscribe,
    );
  });

  it('checks media: unknown, another account’s, another type, or 3 days old → 40007', () => {
    audience.recordInteraction(account.appId, 'oA', 'message', now);
    const mine = state.registerMedia({
      appId: account.appId,
      type: 'image',
      contentType: 'image/png',
      bytes: png,
    });
    const theirs = state.registerMedia({
      appId: 'wxfedcba9876543210',
      type: 'image',
      contentType: 'image/png',
      bytes: png,
    });
    const send = (body: string) => api.customSend({ access_token: token }, body);
    expect(send(image('oA', 'unknown'))).toEqual(WECHAT_ERRORS.invalidMediaId);
    expect(send(image('oA', theirs.mediaId))).toEqual(WECHAT_ERRORS.invalidMediaId);
    expect(
      send(JSON.stringify({ touser: 'oA', msgtype: 'voice', voice: { media_id: mine.mediaId } })),
    ).toEqual(WECHAT_ERRORS.invalidMediaId);
    expect(send(image('oA', mine.mediaId))).toEqual(WECHAT_ERRORS.ok);
    now += 3 * 24 * H - S;
    audience.recordInteraction(account.appId, 'oA', 'message', now);
    token = accessTokenOf(api.stableToken({}, JSON.stringify(credentials)));
    expect(send(image('oA', mine.mediaId))).toEqual(WECHAT_ERRORS.ok);
    now += S;
    expect(send(image('oA', mine.mediaId))).toEqual(WECHAT_ERRORS.invalidMediaId);
  });

  describe('customTyping', () => {
    const typing = (command: unknown, touser = 'oA') =>
      api.customTyping({ access_token: token }, JSON.stringify({ touser, command }));

    it('shows for 15 s, needs an interaction in the last 30 s, and is recorded', () => {
      audience.recordInteraction(account.appId, 'oA', 'message', now);
      expect(typing('Typing')).toEqual(WECHAT_ERRORS.ok);
      now += 14 * S;
      expect(typing('Typing')).toEqual(WECHAT_ERRORS.responseCountLimit);
      now += S;
      expect(typing('Typing')).toEqual(WECHAT_ERRORS.ok);
      expect(typing('CancelTyping')).toEqual(WECHAT_ERRORS.ok);
      now += 15 * S;
      expect(typing('Typing')).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
      expect(
        state.listMessageCalls('/cgi-bin/message/custom/typing').map((c) => c.errcode),
      ).toEqual([0, 0, 0]);
      expect(audience.getUser(account.appId, 'oA')?.typingSent).toBe(2);
    });

    it('checks the token, the body and the user like custom/send', () => {
      expect(api.customTyping({}, '')).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(api.customTyping({ access_token: token }, '')).toEqual(WECHAT_ERRORS.emptyPostData);
      expect(typing('Typing', '')).toEqual(WECHAT_ERRORS.invalidOpenId);
      expect(typing('typing')).toEqual(WECHAT_ERRORS.dataFormatError);
      expect(typing('Typing', 'oNobody')).toEqual(WECHAT_ERRORS.responseOutOfTimeLimit);
    });
  });

  describe('mediaUpload', () => {
    const part = (bytes: Buffer) => ({
      field: 'media',
      fileName: 'a.png',
      contentType: 'image/png',
      bytes,
      truncated: false,
    });

    it('keeps the file as the account’s media and answers type, media_id, created_at', () => {
      const answer = api.mediaUpload({ access_token: token, type: 'image' }, part(png));
      expect(answer).toEqual({
        type: 'image',
        media_id: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        created_at: now / 1000,
      });
      const mediaId = (answer as { media_id: string }).media_id;
      expect(state.getMedia(mediaId)).toMatchObject({
        appId: account.appId,
        type: 'image',
        contentType: 'image/png',
      });
      expect(state.listCalls({ path: '/cgi-bin/media/upload' })[0]).toMatchObject({
        errcode: 0,
        upload: { field: 'media', fileName: 'a.png', size: png.length },
      });
    });

    it('answers a thumb under thumb_media_id too', () => {
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xdb]);
      expect(api.mediaUpload({ access_token: token, type: 'thumb' }, part(jpeg))).toMatchObject({
        type: 'thumb',
        thumb_media_id: expect.any(String),
      });
    });

    it('checks the token first, then the upload', () => {
      expect(api.mediaUpload({ type: 'image' }, part(png))).toEqual(
        WECHAT_ERRORS.accessTokenMissing,
      );
      expect(api.mediaUpload({ access_token: token, type: 'file' }, part(png))).toEqual(
        WECHAT_ERRORS.invalidMediaType,
      );
      expect(api.mediaUpload({ access_token: token, type: 'image' }, null)).toEqual(
        WECHAT_ERRORS.mediaDataMissing,
      );
      expect(api.mediaUpload({ access_token: token, type: 'voice' }, part(png))).toEqual(
        WECHAT_ERRORS.invalidFileType,
      );
    });
  });
});
