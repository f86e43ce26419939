/** An Official Account known to the simulator. */
export interface SimAccount {
  appId: string;
  appSecret: string;
  /** The account's original id (`gh_…`), the ToUserName of its pushes. */
  originalId: string;
  /** Where the simulator pushes events of its own (MASSSENDJOBFINISH), in plaintext mode. */
  callbackUrl?: string;
  /** The server configuration's Token, for the push's `signature`. */
  callbackToken?: string;
}

export interface SimAccountInput {
  appId: string;
  appSecret: string;
  originalId?: string;
  callbackUrl?: string;
  callbackToken?: string;
}

export const APP_ID_PATTERN = /^wx[0-9a-f]{16}$/;
export const APP_SECRET_PATTERN = /^[0-9a-f]{32}$/;
export const ORIGINAL_ID_PATTERN = /^gh_[0-9A-Za-z]{1,32}$/;
/** WeChat's rule for the server configuration's Token: 3–32 letters or digits. */
export const CALLBACK_TOKEN_PATTERN = /^[0-9A-Za-z]{3,32}$/;

export type AccountValidation =
  { ok: true; account: SimAccount } | { ok: false; problems: Record<string, string> };

/** Validates an account coming from the control API or the environment. */
export function validateAccountInput(input: unknown): AccountValidation {
  const fields = isRecord(input) ? input : {};
  const problems: Record<string, string> = {};
  const appId = matching(fields['appId'], APP_ID_PATTERN, 'appId', problems);
  const appSecret = matching(fields['appSecret'], APP_SECRET_PATTERN, 'appSecret', problems);
  const originalId =
    fields['originalId'] === undefined
      ? undefined
      : matching(fields['originalId'], ORIGINAL_ID_PATTERN, 'originalId', problems);
  const callback = validateCallback(fields['callbackUrl'], fields['callbackToken'], problems);
  if (appId === undefined || appSecret === undefined || Object.keys(problems).length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    account: { appId, appSecret, originalId: originalId ?? defaultOriginalId(appId), ...callback },
  };
}

/** Both or neither: a callback without its Token could not be signed. */
function validateCallback(
  url: unknown,
  token: unknown,
  problems: Record<string, string>,
): Pick<SimAccount, 'callbackUrl' | 'callbackToken'> {
  if (url === undefined && token === undefined) {
    return {};
  }
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) {
    problems['callbackUrl'] = 'must be an http(s) URL, given together with callbackToken';
  }
  const validToken = matching(token, CALLBACK_TOKEN_PATTERN, 'callbackToken', problems);
  return typeof url === 'string' && validToken !== undefined
    ? { callbackUrl: url, callbackToken: validToken }
    : {};
}

function matching(
  value: unknown,
  pattern: RegExp,
  name: string,
  problems: Record<string, string>,
): string | undefined {
  if (typeof value === 'string' && pattern.test(value)) {
    return value;
  }
  problems[name] = `must be a string matching ${pattern.source}`;
  return undefined;
}

/** A stable, plausible gh_ id (12 hex digits like real ones) when none is given. */
export function defaultOriginalId(appId: string): string {
  return `gh_${appId.slice(2, 14)}`;
}

/**
 * Parses `WECHAT_SIM_ACCOUNTS` = `wxAPPID:SECRET[:gh_ORIGINAL],…`. Throws on a malformed entry so a
 * typo fails at start-up instead of surfacing later as 40013.
 */
export function parseSimAccountsEnv(value: string | undefined): SimAccount[] {
  if (value === undefined || value.trim() === '') {
    return [];
  }
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => {
      const [appId, appSecret, originalId, ...rest] = entry.split(':');
      const result = validateAccountInput({ appId, appSecret, originalId });
      if (rest.length > 0 || !result.ok) {
        const why = result.ok ? 'too many ":" parts' : JSON.stringify(result.problems);
        throw new Error(
          `WECHAT_SIM_ACCOUNTS entry ${index + 1} must be wxAPPID:SECRET[:gh_ID]: ${why}`,
        );
      }
      return result.account;
    });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
