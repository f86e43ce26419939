import type { SimAccount } from './accounts';
import {
  SimulatorStateService,
  STABLE_ROTATE_BEFORE_S,
  SUPERSEDED_GRACE_S,
  TOKEN_LIFETIME_S,
} from './simulator-state.service';

const account: SimAccount = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};
const other: SimAccount = { ...account, appId: 'wxfedcba9876543210' };

describe(SimulatorStateService.name, () => {
  let now: number;
  let state: SimulatorStateService;
  const advance = (seconds: number): void => {
    now += seconds * 1000;
  };

  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
    state = new SimulatorStateService(() => now, { accounts: [account] });
  });

  describe('accounts', () => {
    it('preloads accounts from the options and replaces on upsert', () => {
      expect(state.listAccounts()).toEqual([account]);
      state.upsertAccount({ ...account, appSecret: 'f'.repeat(32) });
      expect(state.getAccount(account.appId)?.appSecret).toBe('f'.repeat(32));
      expect(state.listAccounts()).toHaveLength(1);
      expect(state.getAccount('wxnope')).toBeUndefined();
    });

    it('refuses invalid preloaded accounts', () => {
      expect(
        () => new SimulatorStateService(() => now, { accounts: [{ appId: 'x', appSecret: 'y' }] }),
      ).toThrow('invalid simulator account');
    });

    it('hands out copies, not its own records', () => {
      state.getAccount(account.appId)!.appSecret = 'changed';
      expect(state.getAccount(account.appId)?.appSecret).toBe(account.appSecret);
    });
  });

  describe('stable_token', () => {
    it('returns the same token while valid, with expires_in counting down', () => {
      const first = state.stableToken(account.appId, false);
      expect(first.expiresIn).toBe(TOKEN_LIFETIME_S);
      advance(100.9);
      const second = state.stableToken(account.appId, false);
      expect(second).toEqual({ accessToken: first.accessToken, expiresIn: TOKEN_LIFETIME_S - 101 });
    });

    it('rotates in the last 5 minutes; the old token runs out its own life', () => {
      const first = state.stableToken(account.appId, false);
      advance(TOKEN_LIFETIME_S - STABLE_ROTATE_BEFORE_S + 1);
      const second = state.stableToken(account.appId, false);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.expiresIn).toBe(TOKEN_LIFETIME_S);
      expect(state.checkAccessToken(first.accessToken)).toEqual({ ok: true, appId: account.appId });
      advance(STABLE_ROTATE_BEFORE_S);
      expect(state.checkAccessToken(first.accessToken)).toMatchObject({
        ok: false,
        error: 'accessTokenExpired',
      });
      expect(state.checkAccessToken(second.accessToken).ok).toBe(true);
    });

    it('force_refresh issues a new token and invalidates the old one at once', () => {
      const first = state.stableToken(account.appId, false);
      const forced = state.stableToken(account.appId, true);
      expect(forced.accessToken).not.toBe(first.accessToken);
      expect(forced.expiresIn).toBe(TOKEN_LIFETIME_S);
      expect(state.checkAccessToken(first.accessToken)).toEqual({
        ok: false,
        error: 'invalidCredential',
        appId: account.appId,
      });
      expect(state.stableToken(account.appId, false).accessToken).toBe(forced.accessToken);
    });

    it('issues a fresh token once the current one expired', () => {
      const first = state.stableToken(account.appId, false);
      advance(TOKEN_LIFETIME_S);
      expect(state.checkAccessToken(first.accessToken)).toMatchObject({
        error: 'accessTokenExpired',
      });
      const second = state.stableToken(account.appId, false);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(state.checkAccessToken(second.accessToken).ok).toBe(true);
    });
  });

  describe('/cgi-bin/token', () => {
    it('issues a new token per call; the previous one works 5 more minutes, then 40001', () => {
      const first = state.classicToken(account.appId);
      const second = state.classicToken(account.appId);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.expiresIn).toBe(TOKEN_LIFETIME_S);
      advance(SUPERSEDED_GRACE_S - 1);
      expect(state.checkAccessToken(first.accessToken).ok).toBe(true);
      advance(1);
      expect(state.checkAccessToken(first.accessToken)).toEqual({
        ok: false,
        error: 'invalidCredential',
        appId: account.appId,
      });
      expect(state.checkAccessToken(second.accessToken).ok).toBe(true);
    });

    it('does not extend the grace of an older token when superseded again', () => {
      const first = state.classicToken(account.appId);
      state.classicToken(account.appId);
      advance(200);
      state.classicToken(account.appId);
      advance(SUPERSEDED_GRACE_S - 200);
      expect(state.checkAccessToken(first.accessToken).ok).toBe(false);
    });

    it('answers 42001 when the natural expiry comes before the end of the grace', () => {
      const first = state.classicToken(account.appId);
      advance(TOKEN_LIFETIME_S - 10);
      state.classicToken(account.appId);
      advance(10);
      expect(state.checkAccessToken(first.accessToken)).toMatchObject({
        error: 'accessTokenExpired',
      });
    });

    it('is isolated from stable tokens and from other accounts', () => {
      state.upsertAccount(other);
      const stable = state.stableToken(account.appId, false);
      const otherClassic = state.classicToken(other.appId);
      state.classicToken(account.appId);
      state.classicToken(account.appId);
      advance(SUPERSEDED_GRACE_S);
      expect(state.checkAccessToken(stable.accessToken).ok).toBe(true);
      expect(state.checkAccessToken(otherClassic.accessToken).ok).toBe(true);
      expect(state.stableToken(account.appId, false).accessToken).toBe(stable.accessToken);

      const classic = state.classicToken(account.appId);
      state.stableToken(account.appId, true);
      expect(state.checkAccessToken(classic.accessToken).ok).toBe(true);
    });
  });

  it('answers 40001 for a token it never issued', () => {
    expect(state.checkAccessToken('nope')).toEqual({
      ok: false,
      error: 'invalidCredential',
      appId: null,
    });
  });

  it('expires every live token of one account on demand (42001)', () => {
    state.upsertAccount(other);
    const stable = state.stableToken(account.appId, false);
    const classic = state.classicToken(account.appId);
    const otherToken = state.stableToken(other.appId, false);
    expect(state.expireTokens(account.appId)).toBe(2);
    expect(state.checkAccessToken(stable.accessToken)).toMatchObject({
      error: 'accessTokenExpired',
    });
    expect(state.checkAccessToken(classic.accessToken)).toMatchObject({
      error: 'accessTokenExpired',
    });
    expect(state.checkAccessToken(otherToken.accessToken).ok).toBe(true);
    expect(state.expireTokens(account.appId)).toBe(0);
    expect(state.stableToken(account.appId, false).accessToken).not.toBe(stable.accessToken);
  });

  describe('recorded calls', () => {
    const call = {
      method: 'POST',
      path: '/cgi-bin/message/custom/send',
      query: { access_token: 't' },
      accessToken: 't',
      appId: account.appId,
      rawBody: '{"touser":"oA"}',
      json: { touser: 'oA' },
      errcode: 0,
      errmsg: 'ok',
    };

    it('records with an id and the clock’s time, and filters by path and appId', () => {
      const recorded = state.recordCall(call);
      expect(recorded).toEqual({ ...call, id: 1, at: '2026-01-01T00:00:00.000Z' });
      state.recordCall({ ...call, path: '/cgi-bin/token', appId: other.appId });
      expect(state.listCalls()).toHaveLength(2);
      expect(state.listCalls({ path: '/cgi-bin/token' })).toHaveLength(1);
      expect(state.listCalls({ appId: other.appId })[0]?.path).toBe('/cgi-bin/token');
    });

    it('lists custom messages: accepted only by default, filtered by appId and touser', () => {
      state.recordCall(call);
      state.recordCall({ ...call, errcode: 40003, errmsg: 'invalid openid' });
      state.recordCall({ ...call, json: { touser: 'oB' } });
      state.recordCall({ ...call, appId: other.appId });
      state.recordCall({ ...call, path: '/cgi-bin/token' });
      expect(state.listCustomMessages()).toHaveLength(3);
      expect(state.listCustomMessages({ all: true })).toHaveLength(4);
      expect(state.listCustomMessages({ touser: 'oB' })).toHaveLength(1);
      expect(state.listCustomMessages({ appId: account.appId, touser: 'oA' })).toHaveLength(1);
    });

    it('keeps at most maxRecordedCalls, dropping the oldest', () => {
      const small = new SimulatorStateService(() => now, { maxRecordedCalls: 2 });
      small.recordCall(call);
      small.recordCall(call);
      small.recordCall(call);
      expect(small.listCalls().map((c) => c.id)).toEqual([2, 3]);
    });
  });

  it('resets everything, or everything but the accounts', () => {
    const token = state.stableToken(account.appId, false);
    state.recordCall({
      method: 'GET',
      path: '/cgi-bin/token',
      query: {},
      accessToken: null,
      appId: null,
      rawBody: '',
      json: null,
      errcode: 0,
      errmsg: 'ok',
    });
    state.reset({ keepAccounts: true });
    expect(state.listAccounts()).toHaveLength(1);
    expect(state.listCalls()).toHaveLength(0);
    expect(state.checkAccessToken(token.accessToken).ok).toBe(false);
    state.reset();
    expect(state.listAccounts()).toHaveLength(0);
  });
});
