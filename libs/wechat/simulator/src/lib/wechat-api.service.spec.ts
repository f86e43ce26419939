import type { SimAccount } from './accounts';
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
  let api: WechatApiService;

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
    state = new SimulatorStateService(() => now, { accounts: [account] });
    api = new WechatApiService(state);
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
