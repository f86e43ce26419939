import { Injectable, Logger } from '@nestjs/common';

import { assertNever } from '@wechat-desk/shared/util';

import { isRecord, type SimAccount } from './accounts';
import {
  type CallContext,
  call,
  checkJsonCall,
  checkToken,
  parseJson,
  type QueryParams,
  recordCallFor,
} from './api-call';
import { AudienceStateService } from './audience-state.service';
import { validateCustomMessage } from './custom-message.validation';
import { ipAllowed, ipNotWhitelisted } from './ip-whitelist';
import {
  extensionFor,
  MEDIA_LIFETIME_MS,
  type MediaFault,
  mediaUsable,
  type SimMediaType,
} from './media';
import { checkUpload, type UploadedFile } from './media-upload';
import { WECHAT_PATHS } from './paths';
import { SimulatorStateService, type TokenGrant } from './simulator-state.service';
import {
  afterCustomSend,
  afterTyping,
  customSendVerdict,
  type SimUser,
  TYPING_COMMANDS,
  type TypingCommand,
  typingVerdict,
} from './users';
import { type WechatErrorBody, type WechatErrorName, wechatError } from './wechat-errors';

export type { QueryParams } from './api-call';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
}

export type WechatResponse = TokenResponse | WechatErrorBody;

/** What `POST /cgi-bin/media/upload` answers on success (a thumb's id under both names). */
export interface UploadResponse {
  type: SimMediaType;
  media_id: string;
  thumb_media_id?: string;
  created_at: number;
}

/** The `media` file part of a multipart upload, as the controller read it. */
export interface UploadPart extends UploadedFile {
  field: string;
  fileName: string;
  contentType: string;
}

/** What `GET /cgi-bin/media/get` answers; the controller turns it into HTTP. */
export type MediaAnswer =
  | { kind: 'json'; body: WechatErrorBody | { video_url: string } }
  | { kind: 'bytes'; bytes: Buffer; contentType: string; fileName: string }
  /** Injected faults that are not WeChat JSON. */
  | { kind: 'http-500' }
  | { kind: 'timeout'; delayMs: number };

function isMediaMessage(msgtype: string): msgtype is 'image' | 'voice' | 'video' {
  return msgtype === 'image' || msgtype === 'voice' || msgtype === 'video';
}

const CLIENT_CREDENTIAL = 'client_credential';

/** WeChat's API semantics on top of the simulator state; every call is recorded. */
@Injectable()
export class WechatApiService {
  private readonly logger = new Logger('WechatSimulator');

  constructor(
    private readonly state: SimulatorStateService,
    private readonly audience: AudienceStateService,
  ) {}

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

  /**
   * `POST /cgi-bin/message/custom/send?access_token=`: the token, the body, then WeChat's sending
   * rules: the OpenID (40003, or 45015 for one nobody knows), the media (40007), following (43004)
   * and the reply windows (45015, 45047). Accepted messages are delivered to the user.
   */
  customSend(query: QueryParams, rawBody: string): WechatResponse {
    const gate = checkJsonCall(this.state, WECHAT_PATHS.customSend, query, rawBody);
    if (!gate.ok) {
      return this.answer(gate.context, wechatError(gate.error));
    }
    const invalid = validateCustomMessage(gate.json);
    if (invalid !== null) {
      return this.answer(gate.context, wechatError(invalid));
    }
    // validateCustomMessage has checked these shapes.
    const body = gate.json as Record<string, unknown> & { touser: string; msgtype: string };
    const payload = body[body.msgtype] as Record<string, unknown>;
    const user = this.recipient(gate.appId, body.touser);
    if (typeof user === 'string') {
      return this.answer(gate.context, wechatError(user));
    }
    if (isMediaMessage(body.msgtype)) {
      const mediaId = payload['media_id'];
      const media = typeof mediaId === 'string' ? this.state.getMedia(mediaId) : undefined;
      if (!mediaUsable(media, gate.appId, body.msgtype, this.state.now())) {
        return this.answer(gate.context, wechatError('invalidMediaId'));
      }
    }
    const verdict = customSendVerdict(user, this.state.now());
    if (!verdict.ok) {
      return this.answer(gate.context, wechatError(verdict.error));
    }
    this.audience.saveUser(afterCustomSend(user, verdict.window));
    const response = wechatError('ok');
    const recorded = recordCallFor(this.state, gate.context, response);
    this.audience.recordDelivery({
      appId: gate.appId,
      openId: user.openId,
      source: 'custom',
      msgtype: body.msgtype,
      payload,
      callId: recorded.id,
    });
    return response;
  }

  /**
   * `POST /cgi-bin/message/custom/typing?access_token=` `{"touser","command":"Typing"|"CancelTyping"}`:
   * Typing only where a message could be sent, within 30 s of an interaction, and not again while
   * the 15 s indicator shows (45047). A bad command is 47001.
   */
  customTyping(query: QueryParams, rawBody: string): WechatErrorBody {
    const gate = checkJsonCall(this.state, WECHAT_PATHS.customTyping, query, rawBody);
    if (!gate.ok) {
      return this.answerError(gate.context, gate.error);
    }
    const body = isRecord(gate.json) ? gate.json : {};
    const { touser, command } = body;
    if (typeof touser !== 'string' || touser === '') {
      return this.answerError(gate.context, 'invalidOpenId');
    }
    if (!(TYPING_COMMANDS as readonly unknown[]).includes(command)) {
      return this.answerError(gate.context, 'dataFormatError');
    }
    const user = this.recipient(gate.appId, touser);
    if (typeof user === 'string') {
      return this.answerError(gate.context, user);
    }
    const now = this.state.now();
    const verdict = typingVerdict(user, command as TypingCommand, now);
    if (!verdict.ok) {
      return this.answerError(gate.context, verdict.error);
    }
    this.audience.saveUser(afterTyping(user, command as TypingCommand, now));
    return this.answerError(gate.context, 'ok');
  }

  /**
   * `POST /cgi-bin/media/upload?access_token=&type=` (multipart, file in `media`): checked by its
   * bytes (40004, 41005, 40005, 40006), kept as temporary media of the account for 3 days.
   */
  mediaUpload(query: QueryParams, file: UploadPart | null): UploadResponse | WechatErrorBody {
    const gate = checkToken(this.state, 'POST', WECHAT_PATHS.mediaUpload, query, '');
    const context: CallContext = {
      ...gate.context,
      json: null,
      ...(file === null
        ? {}
        : {
            upload: {
              field: file.field,
              fileName: file.fileName,
              contentType: file.contentType,
              size: file.bytes.length,
            },
          }),
    };
    if (!gate.ok) {
      return this.answerError(context, gate.error);
    }
    const verdict = checkUpload(query['type'], file);
    if (!verdict.ok || file === null) {
      return this.answerError(context, verdict.ok ? 'mediaDataMissing' : verdict.error);
    }
    const media = this.state.registerMedia({
      appId: gate.appId,
      type: verdict.type,
      contentType: verdict.contentType,
      bytes: file.bytes,
    });
    const response: UploadResponse = {
      type: media.type,
      media_id: media.mediaId,
      ...(media.type === 'thumb' ? { thumb_media_id: media.mediaId } : {}),
      created_at: Math.floor(media.createdAtMs / 1000),
    };
    recordCallFor(this.state, context, response);
    return response;
  }

  /** The account's user, or why custom messages cannot reach the OpenID. */
  recipient(appId: string, openId: string): SimUser | WechatErrorName {
    const user = this.audience.getUser(appId, openId);
    if (user !== undefined) {
      return user;
    }
    // Another account's follower is an invalid OpenID here; one nobody knows never interacted.
    return this.audience.knownElsewhere(appId, openId) ? 'invalidOpenId' : 'responseOutOfTimeLimit';
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
    const recorded = recordCallFor(this.state, context, response);
    this.logger.debug(
      `${context.method} ${context.path} appid=${context.appId} → ${recorded.errcode}`,
    );
    return response;
  }

  private answerError(context: CallContext, name: WechatErrorName): WechatErrorBody {
    const body = wechatError(name);
    this.answer(context, body);
    return body;
  }
}

function tokenResponse(grant: TokenGrant): TokenResponse {
  return { access_token: grant.accessToken, expires_in: grant.expiresIn };
}
