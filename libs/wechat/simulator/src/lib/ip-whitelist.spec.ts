import { AudienceStateService } from './audience-state.service';
import { ipAllowed, ipNotWhitelisted, normalizeIp, validateIpWhitelist } from './ip-whitelist';
import { SimulatorStateService } from './simulator-state.service';
import { WechatApiService } from './wechat-api.service';

const account = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};
const body = JSON.stringify({
  grant_type: 'client_credential',
  appid: account.appId,
  secret: account.appSecret,
});

describe('API IP whitelist', () => {
  it('treats an IPv4-mapped IPv6 address as the IPv4 one', () => {
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('::1')).toBe('::1');
    expect(ipAllowed(['203.0.113.7'], '::ffff:203.0.113.7')).toBe(true);
    expect(ipAllowed([], '198.51.100.1')).toBe(true);
    expect(ipAllowed(['203.0.113.7'], '198.51.100.1')).toBe(false);
  });

  it("words 40164 as WeChat does, naming the caller's address", () => {
    expect(ipNotWhitelisted('::ffff:127.0.0.1')).toEqual({
      errcode: 40164,
      errmsg: 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
    });
    expect(ipNotWhitelisted('::1').errmsg).toBe('invalid ip ::1 ipv6 ::1, not in whitelist');
  });

  it('validates a whitelist', () => {
    expect(validateIpWhitelist(['203.0.113.7', '::ffff:203.0.113.7', '::1'])).toEqual({
      ok: true,
      ips: ['203.0.113.7', '::1'],
    });
    expect(validateIpWhitelist('203.0.113.7').ok).toBe(false);
    expect(validateIpWhitelist(['example.com']).ok).toBe(false);
  });

  it('refuses both token endpoints outside a non-empty whitelist, after the credentials', () => {
    const state = new SimulatorStateService(() => Date.UTC(2026, 0, 1), { accounts: [account] });
    const api = new WechatApiService(state, new AudienceStateService(state));
    state.setIpWhitelist(account.appId, ['203.0.113.7']);

    const refused = api.stableToken({}, body, '198.51.100.1');
    expect(refused).toEqual({
      errcode: 40164,
      errmsg: 'invalid ip 198.51.100.1 ipv6 ::ffff:198.51.100.1, not in whitelist',
    });
    const query = { grant_type: 'client_credential', appid: account.appId };
    expect(api.classicToken({ ...query, secret: account.appSecret }, '198.51.100.1')).toEqual(
      refused,
    );
    expect(api.classicToken({ ...query, secret: 'f'.repeat(32) }, '198.51.100.1')).toMatchObject({
      errcode: 40125,
    });
    expect(api.stableToken({}, body, '::ffff:203.0.113.7')).toHaveProperty('access_token');
    expect(state.listCalls().map((call) => call.errcode)).toEqual([40164, 40164, 40125, 0]);

    expect(state.setIpWhitelist(account.appId, [])).toEqual([]);
    expect(api.stableToken({}, body, '198.51.100.1')).toHaveProperty('access_token');
  });

  it('forgets whitelists with the accounts on reset, keeps them with keepAccounts', () => {
    const state = new SimulatorStateService(() => 0, { accounts: [account] });
    state.setIpWhitelist(account.appId, ['203.0.113.7']);
    state.reset({ keepAccounts: true });
    expect(state.getIpWhitelist(account.appId)).toEqual(['203.0.113.7']);
    state.reset();
    expect(state.getIpWhitelist(account.appId)).toEqual([]);
  });
});
