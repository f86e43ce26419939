import { defaultOriginalId, parseSimAccountsEnv, validateAccountInput } from './accounts';
import { simulatorOptionsFromEnv } from './options';

const appId = 'wx0123456789abcdef';
const appSecret = '0123456789abcdef0123456789abcdef';

describe(validateAccountInput.name, () => {
  it('accepts a valid account and derives a gh_ id when none is given', () => {
    expect(validateAccountInput({ appId, appSecret })).toEqual({
      ok: true,
      account: { appId, appSecret, originalId: 'gh_0123456789ab' },
    });
    expect(validateAccountInput({ appId, appSecret, originalId: 'gh_abc' })).toMatchObject({
      ok: true,
      account: { originalId: 'gh_abc' },
    });
  });

  it.each([
    [{ appId: 'wx0123', appSecret }, ['appId']],
    [{ appId: 'WX0123456789ABCDEF', appSecret }, ['appId']],
    [{ appId, appSecret: 'short' }, ['appSecret']],
    [{ appId, appSecret: appSecret.toUpperCase() }, ['appSecret']],
    [{ appId, appSecret, originalId: 'abc' }, ['originalId']],
    [{}, ['appId', 'appSecret']],
    ['not an object', ['appId', 'appSecret']],
  ])('reports the wrong fields of %j', (input, fields) => {
    const result = validateAccountInput(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : Object.keys(result.problems)).toEqual(fields);
  });
});

describe(parseSimAccountsEnv.name, () => {
  it('reads wxAPPID:SECRET[:gh_ID] entries separated by commas', () => {
    const other = 'wxfedcba9876543210';
    expect(parseSimAccountsEnv(` ${appId}:${appSecret} ,${other}:${appSecret}:gh_x1,`)).toEqual([
      { appId, appSecret, originalId: defaultOriginalId(appId) },
      { appId: other, appSecret, originalId: 'gh_x1' },
    ]);
  });

  it('reads nothing from an unset or blank variable', () => {
    expect(parseSimAccountsEnv(undefined)).toEqual([]);
    expect(parseSimAccountsEnv('  ')).toEqual([]);
  });

  it.each([`${appId}`, `${appId}:nothex`, `${appId}:${appSecret}:gh_x:extra`])(
    'fails fast on %j',
    (value) => {
      expect(() => parseSimAccountsEnv(value)).toThrow('WECHAT_SIM_ACCOUNTS entry 1');
    },
  );

  it('takes an optional callback for the events it pushes, URL and Token together', () => {
    const callback = { callbackUrl: 'http://127.0.0.1:8080/wechat/1', callbackToken: 'abc123' };
    expect(validateAccountInput({ appId, appSecret, ...callback })).toEqual({
      ok: true,
      account: { appId, appSecret, originalId: defaultOriginalId(appId), ...callback },
    });
    expect(validateAccountInput({ appId, appSecret })).toEqual({
      ok: true,
      account: { appId, appSecret, originalId: defaultOriginalId(appId) },
    });
    expect(
      validateAccountInput({ appId, appSecret, callbackUrl: callback.callbackUrl }),
    ).toMatchObject({ ok: false, problems: { callbackToken: expect.any(String) } });
    expect(
      validateAccountInput({ appId, appSecret, callbackUrl: 'ftp://x', callbackToken: 'ab' }),
    ).toMatchObject({
      ok: false,
      problems: { callbackUrl: expect.any(String), callbackToken: expect.any(String) },
    });
  });
});

describe(simulatorOptionsFromEnv.name, () => {
  it('reads the mass-send job delay, refusing nonsense', () => {
    expect(simulatorOptionsFromEnv({})).toEqual({ accounts: [] });
    expect(simulatorOptionsFromEnv({ WECHAT_SIM_MASS_JOB_DELAY_MS: '0' })).toEqual({
      accounts: [],
      massSendJobDelayMs: 0,
    });
    expect(() => simulatorOptionsFromEnv({ WECHAT_SIM_MASS_JOB_DELAY_MS: '1.5s' })).toThrow(
      'WECHAT_SIM_MASS_JOB_DELAY_MS',
    );
  });
});
