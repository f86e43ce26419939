import { Injectable, Logger } from '@nestjs/common';

import { assertNever } from '@wechat-desk/shared/util';

import { isRecord, type SimAccount } from './accounts';
import { validateCustomMessage } from './custom-message.validation';
import { ipAllowed, ipNotWhitelisted } from './ip-whitelist';
import { extensionFor, MEDIA_LIFETIME_MS, type MediaFault } from './media';
import { WECHAT_PATHS } from './paths';
import { SimulatorStateService, type TokenGrant } from './simulator-state.service';
import { type WechatErrorBody, type WechatErrorName, wechatError } from './wechat-errors';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
}

export type WechatResponse = TokenResponse | WechatErrorBody;

export type QueryParams = Record<string, string>;

/** What `GET /cgi-bin/media/get` answers; the controller turns it into HTTP. */
export type MediaAnswer =
  | { kind: 'json'; body: WechatErrorBody | { video_url: string } }
  | { kind: 'bytes'; bytes: Buffer; contentType: string; fileName: string }
  /** Injected faults that are not WeChat JSON. */
  | { kind: 'http-500' }
  | { kind: 'timeout'; delayMs: number };

/** What one WeChat API call needs to be answered and recorded. */
interface CallContext {
  method: 'GET' | 'POST';
  path: string;
  query: QueryParams;
  rawBody: string;
  json: unknown;
  accessToken: string | null;
  appId: string | null;
}

const CLIENT_CREDENTIAL = 'client_credential';

/** WeChat's API semantics on top of the simulator state; every call is recorded. */
@Injectable()
export class WechatApiService {
  private readonly logger = new Logger('WechatSimulator');

  constructor(private readonly state: SimulatorStateService) {}

  /** `POST /cgi-bin/stable_token` with a JSON body; callerIp is checked against the whitelist. */
  stableToken(query: QueryParams, rawBody: string, callerIp?: string): WechatResponse {
    const json = parseJson(rawBody);
    const fields = isRecord(json) ? json : undefined;
    const appId = typeof fields?.['appid'] === 'string' ? fields['appid'] : null;
    const context = call('POST', WECHAT_PATHS.stableToken, query, rawBody, json, { appId });
    if (fields === undefined) {
      return this.answer(context, wechatError('dataFormatError'));
    }
    const account = this.authenticate(fields['grant_type'], fields['appid'], fields['secret']);
    if (typeof account === 'string') {
      return this.answer(context, wechatError(account));
    }
    if (!this.whitelisted(account, callerIp)) {
      return this.answer(context, ipNotWhitelisted(callerIp ?? ''));
    }
    const grant = this.state.stableToken(account.appId, fields['force_refresh'] === true);
    return this.answer(context, tokenResponse(grant));
  }

  /** `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=`. */
  classicToken(query: QueryParams, callerIp?: string): WechatResponse {
    const context = call('GET', WECHAT_PATHS.token, query, '', null, {
      appId: query['appid'] ?? null,
    });
    const account = this.authenticate(query['grant_type'], query['appid'], query['secret']);
    if (typeof account === 'string') {
      return this.answer(context, wechatError(account));
    }
    if (!this.whitelisted(account, callerIp)) {
      return this.answer(context, ipNotWhitelisted(callerIp ?? ''));
    }
    return this.answer(context, tokenResponse(this.state.classicToken(account.appId)));
  }

  /** `POST /cgi-bin/message/custom/send?access_token=`: the token first, then the body. */
  customSend(query: QueryParams, rawBody: string): WechatResponse {
    const accessToken = query['access_token'] || null;
    const check = accessToken === null ? null : this.state.checkAccessToken(accessToken);
    const json = parseJson(rawBody);
    const context = call('POST', WECHAT_PATHS.customSend, query, rawBody, json, {
      accessToken,
      appId: check?.appId ?? null,
    });

    if (check === null) {
      return this.answer(context, wechatError('accessTokenMissing'));
    }
    if (!check.ok) {
      return this.answer(context, wechatError(check.error));
    }
    if (rawBody.trim() === '') {
      return this.answer(context, wechatError('emptyPostData'));
    }
    if (json === undefined) {
      return this.answer(context, wechatError('dataFormatError'));
    }
    return this.answer(context, wechatError(validateCustomMessage(json) ?? 'ok'));
  }

  /**
   * `GET /cgi-bin/media/get?access_token=&media_id=`: the token first (like custom/send), then the
   * media, which must belong to the token's account and be under 3 days old (else 40007). A video
   * answers `{"video_url"}` under `videoBaseUrl`.
   */
  mediaGet(query: QueryParams, videoBaseUrl: string): MediaAnswer {
    const accessToken = query['access_token'] || null;
    const check = accessToken === null ? null : this.state.checkAccessToken(accessToken);
    const mediaId = query['media_id'] ?? '';
    const context = call('GET', WECHAT_PATHS.mediaGet, query, '', null, {
      accessToken,
      appId: check?.appId ?? null,
    });
    if (check === null) {
      return this.answerJson(context, wechatError('accessTokenMissing'));
    }
    if (!check.ok) {
      return this.answerJson(context, wechatError(check.error));
    }
    const fault = this.state.takeMediaFault(mediaId);
    if (fault !== undefined) {
      return this.answerFault(context, fault);
    }
    const media = this.state.getMedia(mediaId);
    if (
      media === undefined ||
      media.appId !== check.appId ||
      this.state.now() - media.createdAtMs >= MEDIA_LIFETIME_MS
    ) {
      return this.answerJson(context, wechatError('invalidMediaId'));
    }
    if (media.type === 'video') {
      this.answer(context, wechatError('ok'));
      return {
        kind: 'json',
        body: { video_url: `${videoBaseUrl}/sim/video-files/${encodeURIComponent(media.mediaId)}` },
      };
    }
    this.answer(context, wechatError('ok'));
    return {
      kind: 'bytes',
      bytes: media.bytes,
      contentType: media.contentType,
      fileName: `${media.mediaId}.${extensionFor(media.contentType)}`,
    };
  }

  private answerJson(context: CallContext, body: WechatErrorBody): MediaAnswer {
    this.answer(context, body);
    return { kind: 'json', body };
  }

  private answerFault(context: CallContext, fault: MediaFault): MediaAnswer {
    const failed = (errmsg: string): void => {
      this.state.recordCall({ ...context, json: null, errcode: -1, errmsg, fault: fault.mode });
    };
    switch (fault.mode) {
      case 'expired':
        this.state.recordCall({
          ...context,
          json: null,
          ...wechatError('invalidMediaId'),
          fault: fault.mode,
        });
        return { kind: 'json', body: wechatError('invalidMediaId') };
      case 'system-busy':
        this.state.recordCall({
          ...context,
          json: null,
          ...wechatError('systemBusy'),
          fault: fault.mode,
        });
        return { kind: 'json', body: wechatError('systemBusy') };
      case 'http-500':
        failed('simulated HTTP 500');
        return { kind: 'http-500' };
      case 'timeout':
        failed(`simulated timeout (answer held ${fault.delayMs} ms)`);
        return { kind: 'timeout', delayMs: fault.delayMs };
      default:
        return assertNever(fault.mode);
    }
  }

  /** Checks in WeChat's order: grant_type, then appid, then secret. */
  private authenticate(
    grantType: unknown,
    appId: unknown,
    secret: unknown,
  ): SimAccount | WechatErrorName {
    if (grantType !== CLIENT_CREDENTIAL) {
      return 'invalidGrantType';
    }
    const account = typeof appId === 'string' ? this.state.getAccount(appId) : undefined;
    if (!account) {
      return 'invalidAppId';
    }
    return secret === account.appSecret ? account : 'invalidAppSecret';
  }

  /** Token endpoints refuse callers outside a non-empty API IP whitelist (40164), as WeChat does. */
  private whitelisted(account: SimAccount, callerIp: string | undefined): boolean {
    const whitelist = this.state.getIpWhitelist(account.appId);
    return whitelist.length === 0 || (callerIp !== undefined && ipAllowed(whitelist, callerIp));
  }

  private answer(context: CallContext, response: WechatResponse): WechatResponse {
    const { errcode, errmsg } = 'errcode' in response ? response : wechatError('ok');
    this.state.recordCall({ ...context, json: context.json ?? null, errcode, errmsg });
    this.logger.debug(`${context.method} ${context.path} appid=${context.appId} → ${errcode}`);
    return response;
  }
}

function call(
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

function tokenResponse(grant: TokenGrant): TokenResponse {
  return { access_token: grant.accessToken, expires_in: grant.expiresIn };
}

/** undefined when the text is not JSON (an empty body included). */
function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return undefined;
  }
}
