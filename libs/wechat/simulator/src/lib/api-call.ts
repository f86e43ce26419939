import type { RecordedCall, SimulatorStateService } from './simulator-state.service';
import { type WechatErrorBody, type WechatErrorName, wechatError } from './wechat-errors';

export type QueryParams = Record<string, string>;

/** What one WeChat API call needs to be answered and recorded. */
export interface CallContext {
  method: 'GET' | 'POST';
  path: string;
  query: QueryParams;
  rawBody: string;
  json: unknown;
  accessToken: string | null;
  appId: string | null;
  upload?: RecordedCall['upload'];
}

export function call(
  method: CallContext['method'],
  path: string,
  query: QueryParams,
  rawBody: string,
  json: unknown,
  who: { accessToken?: string | null; appId: string | null },
): CallContext {
  return {
    method,
    path,
    query,
    rawBody,
    json,
    accessToken: who.accessToken ?? null,
    appId: who.appId,
  };
}

/** undefined when the text is not JSON (an empty body included). */
export function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return undefined;
  }
}

export type TokenGate =
  | { ok: true; context: CallContext; appId: string }
  | { ok: false; context: CallContext; error: WechatErrorName };

/**
 * The access_token check every API but the token endpoints makes, first: missing → 41001, unknown
 * or superseded → 40001, expired → 42001. (The API IP whitelist is WeChat's check on obtaining a
 * token, protocol.md §9, so it is enforced there.)
 */
export function checkToken(
  state: SimulatorStateService,
  method: CallContext['method'],
  path: string,
  query: QueryParams,
  rawBody: string,
): TokenGate {
  const accessToken = query['access_token'] || null;
  const check = accessToken === null ? null : state.checkAccessToken(accessToken);
  const json = parseJson(rawBody);
  const context = call(method, path, query, rawBody, json, {
    accessToken,
    appId: check?.appId ?? null,
  });
  if (check === null) {
    return { ok: false, context, error: 'accessTokenMissing' };
  }
  if (!check.ok) {
    return { ok: false, context, error: check.error };
  }
  return { ok: true, context, appId: check.appId };
}

export type JsonGate =
  | { ok: true; context: CallContext; appId: string; json: unknown }
  | { ok: false; context: CallContext; error: WechatErrorName };

/** The token, then a JSON body: empty → 44002, not JSON → 47001 (custom/send's order). */
export function checkJsonCall(
  state: SimulatorStateService,
  path: string,
  query: QueryParams,
  rawBody: string,
): JsonGate {
  const gate = checkToken(state, 'POST', path, query, rawBody);
  if (!gate.ok) {
    return gate;
  }
  if (rawBody.trim() === '') {
    return { ok: false, context: gate.context, error: 'emptyPostData' };
  }
  if (gate.context.json === undefined) {
    return { ok: false, context: gate.context, error: 'dataFormatError' };
  }
  return { ...gate, json: gate.context.json };
}

/** Records the call with the answer's errcode (0 when the answer carries none). */
export function recordCallFor(
  state: SimulatorStateService,
  context: CallContext,
  response: object,
): RecordedCall {
  const { errcode, errmsg } = isErrorBody(response) ? response : wechatError('ok');
  return state.recordCall({ ...context, json: context.json ?? null, errcode, errmsg });
}

function isErrorBody(response: object): response is WechatErrorBody {
  return 'errcode' in response && typeof response.errcode === 'number';
}
