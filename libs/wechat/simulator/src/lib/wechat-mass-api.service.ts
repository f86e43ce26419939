import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { massSendJobFinishEvent, sendPush } from '@wechat-desk/wechat/push-client';

import { isRecord } from './accounts';
import {
  type CallContext,
  checkJsonCall,
  checkToken,
  type QueryParams,
  recordCallFor,
} from './api-call';
import { AudienceStateService, type MassJob, TAG_MEMBERS_PAGE } from './audience-state.service';
import {
  mediaTypeForMass,
  type MassValidation,
  validateMassSend,
  validateSendAll,
} from './mass-message.validation';
import { mediaUsable } from './media';
import {
  DEFAULT_MASS_JOB_DELAY_MS,
  SIMULATOR_OPTIONS,
  type WechatSimulatorOptions,
} from './options';
import { WECHAT_PATHS } from './paths';
import { SimulatorStateService } from './simulator-state.service';
import { type WechatErrorBody, wechatError } from './wechat-errors';

/** WeChat pushes MASSSENDJOBFINISH from a system OpenID (this one is from its documented example). */
export const MASS_EVENT_FROM = 'oR5Gjjl_eiZoUpGozMo7dbBJ362A';
/** How long the simulator waits for the callback to answer the event. */
const CALLBACK_TIMEOUT_MS = 5000;

type Answer = WechatErrorBody | Record<string, unknown>;

/** Tags (`/cgi-bin/tags/*`, `/cgi-bin/user/tag/get`) and mass messages (`/cgi-bin/message/mass/*`). */
@Injectable()
export class WechatMassApiService implements OnModuleDestroy {
  private readonly logger = new Logger('WechatSimulator');
  private readonly jobDelayMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly state: SimulatorStateService,
    private readonly audience: AudienceStateService,
    @Inject(SIMULATOR_OPTIONS) options: WechatSimulatorOptions,
  ) {
    this.jobDelayMs = options.massSendJobDelayMs ?? DEFAULT_MASS_JOB_DELAY_MS;
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }

  // --- tags -----------------------------------------------------------------------------------

  /** `{"tag":{"name"}}` → `{"tag":{"id","name"}}`; 45157 duplicate/empty, 45158 > 30, 45056 > 100. */
  createTag(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.tagsCreate, query, rawBody, (appId, body) => {
      const tag = isRecord(body['tag']) ? body['tag'] : undefined;
      const name = tag?.['name'];
      if (typeof name !== 'string') {
        return wechatError('invalidTagName');
      }
      const created = this.audience.createTag(appId, name);
      return typeof created === 'string' ? wechatError(created) : { tag: created };
    });
  }

  /** `GET` → `{"tags":[{"id","name","count"}]}`. */
  getTags(query: QueryParams): Answer {
    const gate = checkToken(this.state, 'GET', WECHAT_PATHS.tagsGet, query, '');
    return this.answer(
      gate.context,
      gate.ok ? { tags: this.audience.listTags(gate.appId) } : wechatError(gate.error),
    );
  }

  /** `{"tag":{"id"}}`; 45058 for system tags, 45159 unknown. */
  deleteTag(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.tagsDelete, query, rawBody, (appId, body) => {
      const id = isRecord(body['tag']) ? body['tag']['id'] : undefined;
      return wechatError(
        typeof id === 'number' ? this.audience.deleteTag(appId, id) : 'invalidTagId',
      );
    });
  }

  /** `{"openid_list":[…≤50],"tagid"}`; 40032 list size, 45159 tag, 40003 OpenID, 45059 > 20 tags. */
  tagging(query: QueryParams, rawBody: string, tagged: boolean): Answer {
    const path = tagged ? WECHAT_PATHS.tagsBatchTagging : WECHAT_PATHS.tagsBatchUntagging;
    return this.json(path, query, rawBody, (appId, body) => {
      const openIds: unknown = body['openid_list'];
      const tagId = body['tagid'];
      if (!Array.isArray(openIds) || !openIds.every((id) => typeof id === 'string')) {
        return wechatError('invalidOpenIdListSize');
      }
      if (typeof tagId !== 'number') {
        return wechatError('invalidTagId');
      }
      return wechatError(this.audience.tagUsers(appId, tagId, openIds, tagged));
    });
  }

  /** `{"openid"}` → `{"tagid_list":[…]}`. */
  tagsOfUser(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.tagsIdList, query, rawBody, (appId, body) => {
      const openId = body['openid'];
      const user = typeof openId === 'string' ? this.audience.getUser(appId, openId) : undefined;
      return user === undefined ? wechatError('invalidOpenId') : { tagid_list: user.tagIds };
    });
  }

  /**
   * `{"tagid","next_openid"}` → `{"count","data":{"openid":[…]},"next_openid"}`, 10 000 a page
   * after next_openid; an empty page is `{"count":0,"next_openid":""}` like WeChat's last page.
   */
  tagMembers(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.userTagGet, query, rawBody, (appId, body) => {
      const tagId = body['tagid'];
      if (typeof tagId !== 'number' || !this.audience.tagExists(appId, tagId)) {
        return wechatError('invalidTagId');
      }
      const members = this.audience.tagMembers(appId, tagId);
      const after = typeof body['next_openid'] === 'string' ? body['next_openid'] : '';
      const from = after === '' ? 0 : members.indexOf(after) + 1;
      const page = from === 0 && after !== '' ? [] : members.slice(from, from + TAG_MEMBERS_PAGE);
      return page.length === 0
        ? { count: 0, next_openid: '' }
        : { count: page.length, data: { openid: page }, next_openid: page.at(-1) ?? '' };
    });
  }

  // --- mass messages --------------------------------------------------------------------------

  /** `{"filter":{"is_to_all","tag_id"},"msgtype",…}` → msg_id; the job finishes after a delay. */
  sendAll(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.massSendAll, query, rawBody, (appId, body) => {
      const validation = validateSendAll(body);
      if (
        validation.ok &&
        validation.audience.kind === 'tag' &&
        !this.audience.tagExists(appId, validation.audience.tagId)
      ) {
        return wechatError('invalidGroupId');
      }
      return this.submit(appId, 'sendall', validation);
    });
  }

  /** `{"touser":[≥2 OpenIDs],"msgtype",…}` (40130 under 2). */
  massSend(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.massSend, query, rawBody, (appId, body) =>
      this.submit(appId, 'send', validateMassSend(body)),
    );
  }

  /** `{"msg_id"}` → `{"msg_id","msg_status"}`; 40059 for a job of no such id for this account. */
  massGet(query: QueryParams, rawBody: string): Answer {
    return this.json(WECHAT_PATHS.massGet, query, rawBody, (appId, body) => {
      const msgId = Number(body['msg_id']);
      const job = Number.isInteger(msgId) ? this.audience.getMassJob(appId, msgId) : undefined;
      return job === undefined
        ? wechatError('invalidMsgId')
        : { msg_id: job.msgId, msg_status: job.status };
    });
  }

  /** Resolves once every job finished so far has delivered its callback (for tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private submit(appId: string, api: MassJob['api'], validation: MassValidation): Answer {
    if (!validation.ok) {
      return wechatError(validation.error);
    }
    const { content, audience } = validation;
    const mediaType = mediaTypeForMass(content.msgtype);
    const media = content.mediaId === null ? undefined : this.state.getMedia(content.mediaId);
    if (mediaType !== null && !mediaUsable(media, appId, mediaType, this.state.now())) {
      return wechatError('invalidMediaId');
    }
    const job = this.audience.submitMassJob(appId, api, audience, content);
    this.schedule(job.msgId);
    return {
      errcode: 0,
      errmsg: 'send job submission success',
      msg_id: job.msgId,
      msg_data_id: job.msgDataId,
    };
  }

  private schedule(msgId: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.finish(msgId);
    }, this.jobDelayMs);
    // A pending job must not keep a test process (or a stopping simulator) alive.
    timer.unref();
    this.timers.add(timer);
  }

  /** Finishes the job now (also used by tests instead of waiting for the timer). */
  finish(msgId: number): MassJob | undefined {
    const job = this.audience.finishMassJob(msgId);
    if (job === undefined) {
      return undefined;
    }
    const delivery = this.pushFinishEvent(job).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return job;
  }

  /** MASSSENDJOBFINISH to the account's callback, plaintext mode, signed with its Token. */
  private async pushFinishEvent(job: MassJob): Promise<void> {
    const account = this.state.getAccount(job.appId);
    if (account?.callbackUrl === undefined || account.callbackToken === undefined) {
      return;
    }
    const xml = massSendJobFinishEvent({
      toUserName: account.originalId,
      fromUserName: MASS_EVENT_FROM,
      createTime: Math.floor(this.state.now() / 1000),
      msgId: String(job.msgId),
      status: job.status === 'SEND_SUCCESS' ? 'send success' : 'send fail',
      totalCount: job.counts.TotalCount,
      filterCount: job.counts.FilterCount,
      sentCount: job.counts.SentCount,
      errorCount: job.counts.ErrorCount,
    });
    const at = new Date(this.state.now()).toISOString();
    const url = account.callbackUrl;
    try {
      // The query's timestamp is real time: the receiver checks it against its own clock.
      const result = await sendPush(
        { callbackUrl: url, token: account.callbackToken, mode: 'plaintext' },
        xml,
        { timeoutMs: CALLBACK_TIMEOUT_MS },
      );
      this.audience.setMassCallback(job.msgId, { url, at, status: result.status, error: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`MASSSENDJOBFINISH for ${job.msgId} to ${url} failed: ${message}`);
      this.audience.setMassCallback(job.msgId, { url, at, status: null, error: message });
    }
  }

  /** Token and JSON body first (like custom/send), then `handle` on the body object. */
  private json(
    path: string,
    query: QueryParams,
    rawBody: string,
    handle: (appId: string, body: Record<string, unknown>) => Answer,
  ): Answer {
    const gate = checkJsonCall(this.state, path, query, rawBody);
    if (!gate.ok) {
      return this.answer(gate.context, wechatError(gate.error));
    }
    if (!isRecord(gate.json)) {
      return this.answer(gate.context, wechatError('dataFormatError'));
    }
    return this.answer(gate.context, handle(gate.appId, gate.json));
  }

  private answer(context: CallContext, response: Answer): Answer {
    const recorded = recordCallFor(this.state, context, response);
    this.logger.debug(
      `${context.method} ${context.path} appid=${context.appId} → ${recorded.errcode}`,
    );
    return response;
  }
}
