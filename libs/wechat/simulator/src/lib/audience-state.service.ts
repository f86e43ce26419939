import { Injectable } from '@nestjs/common';

import type { MassAudience, MassContent } from './mass-message.validation';
import { SimulatorStateService } from './simulator-state.service';
import {
  afterMassSend,
  applyInteraction,
  type InteractionKind,
  MAX_TAGS_PER_USER,
  type MassOutcome,
  massOutcome,
  newUser,
  type SimUser,
} from './users';
import type { WechatErrorName } from './wechat-errors';

export interface SimTag {
  id: number;
  name: string;
}

/** One message a user received, whichever API delivered it. */
export interface Delivery {
  seq: number;
  /** ISO time from the simulator's clock. */
  at: string;
  appId: string;
  openId: string;
  source: 'custom' | 'mass';
  msgtype: string;
  /** The payload object as sent (`{"content":…}`, `{"media_id":…}`…). */
  payload: unknown;
  /** custom/send: the recorded call's id. */
  callId?: number;
  /** Mass sends: the job's msg_id. */
  massMsgId?: number;
}

export type MassRecipientOutcome = MassOutcome | 'error-unknown-openid';

export type MassJobStatus = 'SENDING' | 'SEND_SUCCESS' | 'SEND_FAIL';

/** The counts of WeChat's MASSSENDJOBFINISH event. */
export interface MassJobCounts {
  TotalCount: number;
  FilterCount: number;
  SentCount: number;
  ErrorCount: number;
}

export interface MassCallbackOutcome {
  url: string;
  at: string;
  status: number | null;
  error: string | null;
}

export interface MassJob {
  msgId: number;
  msgDataId: number;
  appId: string;
  api: 'sendall' | 'send';
  audience: MassAudience;
  msgtype: string;
  payload: unknown;
  submittedAt: string;
  finishedAt: string | null;
  status: MassJobStatus;
  /** Decided at submission: the tag's members at that moment, each user's month at that moment. */
  recipients: { openId: string; outcome: MassRecipientOutcome }[];
  counts: MassJobCounts;
  callback: MassCallbackOutcome | null;
}

/** WeChat's system tags 0–2 cannot be changed; only "星标组" (2) is listed. */
const SYSTEM_TAGS: readonly SimTag[] = [{ id: 2, name: '星标组' }];
const FIRST_TAG_ID = 100;
export const MAX_TAGS_PER_ACCOUNT = 100;
export const MAX_TAG_NAME_CHARS = 30;
export const MAX_OPENIDS_PER_TAGGING = 50;
export const TAG_MEMBERS_PAGE = 10_000;

/** Users, tags, deliveries and mass jobs per account: who may be sent what, and what arrived. */
@Injectable()
export class AudienceStateService {
  /** By `${appId} ${openId}`, in order of first appearance. */
  private readonly users = new Map<string, SimUser>();
  private readonly tags = new Map<string, SimTag[]>();
  private readonly nextTagIds = new Map<string, number>();
  private deliveries: Delivery[] = [];
  private readonly massJobs = new Map<number, MassJob>();
  private nextSeq = 1;
  private nextMsgId = 1_000_000_001;
  private nextMsgDataId = 2_247_483_001;

  constructor(private readonly state: SimulatorStateService) {}

  // --- users ----------------------------------------------------------------------------------

  recordInteraction(appId: string, openId: string, kind: InteractionKind, atMs: number): SimUser {
    const user = applyInteraction(
      this.getUser(appId, openId) ?? newUser(appId, openId),
      kind,
      atMs,
    );
    return this.saveUser(user);
  }

  getUser(appId: string, openId: string): SimUser | undefined {
    return this.users.get(userKey(appId, openId));
  }

  listUsers(appId: string): SimUser[] {
    return [...this.users.values()].filter((user) => user.appId === appId);
  }

  /** The OpenID belongs to another account (40003) rather than to nobody the simulator knows. */
  knownElsewhere(appId: string, openId: string): boolean {
    return [...this.users.values()].some((u) => u.openId === openId && u.appId !== appId);
  }

  saveUser(user: SimUser): SimUser {
    this.users.set(userKey(user.appId, user.openId), user);
    return user;
  }

  // --- deliveries -----------------------------------------------------------------------------

  recordDelivery(delivery: Omit<Delivery, 'seq' | 'at'>): Delivery {
    const recorded: Delivery = {
      seq: this.nextSeq++,
      at: new Date(this.state.now()).toISOString(),
      ...delivery,
    };
    this.deliveries.push(recorded);
    return recorded;
  }

  listDeliveries(filter: { appId?: string; openId?: string } = {}): Delivery[] {
    return this.deliveries.filter(
      (d) =>
        (filter.appId === undefined || d.appId === filter.appId) &&
        (filter.openId === undefined || d.openId === filter.openId),
    );
  }

  // --- tags -----------------------------------------------------------------------------------

  listTags(appId: string): (SimTag & { count: number })[] {
    return [...SYSTEM_TAGS, ...(this.tags.get(appId) ?? [])].map((tag) => ({
      ...tag,
      count: this.tagMembers(appId, tag.id).length,
    }));
  }

  createTag(appId: string, name: string): SimTag | WechatErrorName {
    const tags = this.tags.get(appId) ?? [];
    if (name.trim() === '' || [...SYSTEM_TAGS, ...tags].some((tag) => tag.name === name)) {
      return 'invalidTagName';
    }
    if ([...name].length > MAX_TAG_NAME_CHARS) {
      return 'tagNameTooLong';
    }
    if (tags.length >= MAX_TAGS_PER_ACCOUNT) {
      return 'tooManyTags';
    }
    const id = this.nextTagIds.get(appId) ?? FIRST_TAG_ID;
    this.nextTagIds.set(appId, id + 1);
    const tag = { id, name };
    this.tags.set(appId, [...tags, tag]);
    return { ...tag };
  }

  /** Deleting a tag takes it off its members too. */
  deleteTag(appId: string, tagId: number): WechatErrorName {
    if (tagId >= 0 && tagId <= 2) {
      return 'cannotModifySysTag';
    }
    const tags = this.tags.get(appId) ?? [];
    if (!tags.some((tag) => tag.id === tagId)) {
      return 'invalidTagId';
    }
    this.tags.set(
      appId,
      tags.filter((tag) => tag.id !== tagId),
    );
    for (const user of this.listUsers(appId)) {
      this.saveUser({ ...user, tagIds: user.tagIds.filter((id) => id !== tagId) });
    }
    return 'ok';
  }

  tagExists(appId: string, tagId: number): boolean {
    return this.listTags(appId).some((tag) => tag.id === tagId);
  }

  /** All or nothing: every OpenID is checked before any user is changed. */
  tagUsers(appId: string, tagId: number, openIds: string[], tagged: boolean): WechatErrorName {
    if (openIds.length === 0 || openIds.length > MAX_OPENIDS_PER_TAGGING) {
      return 'invalidOpenIdListSize';
    }
    if (!this.tagExists(appId, tagId)) {
      return 'invalidTagId';
    }
    const users = openIds.map((openId) => this.getUser(appId, openId));
    if (users.some((user) => user === undefined)) {
      return 'invalidOpenId';
    }
    const known = users as SimUser[];
    if (
      tagged &&
      known.some((u) => !u.tagIds.includes(tagId) && u.tagIds.length >= MAX_TAGS_PER_USER)
    ) {
      return 'tooManyTagsOnUser';
    }
    for (const user of known) {
      const others = user.tagIds.filter((id) => id !== tagId);
      this.saveUser({ ...user, tagIds: tagged ? [...others, tagId] : others });
    }
    return 'ok';
  }

  /** Members in order of first appearance of the user, like a stable WeChat listing. */
  tagMembers(appId: string, tagId: number): string[] {
    return this.listUsers(appId)
      .filter((user) => user.tagIds.includes(tagId))
      .map((user) => user.openId);
  }

  // --- mass sends -----------------------------------------------------------------------------

  /**
   * Submits a mass job: recipients are fixed now (the tag's members at this moment) and each
   * recipient's monthly count is taken now, so a second send right after sees it.
   */
  submitMassJob(
    appId: string,
    api: MassJob['api'],
    audience: MassAudience,
    content: MassContent,
  ): MassJob {
    const now = this.state.now();
    const openIds = this.audienceOpenIds(appId, audience);
    const recipients = openIds.map((openId) => {
      const user = this.getUser(appId, openId);
      if (user === undefined) {
        return { openId, outcome: 'error-unknown-openid' as const };
      }
      const outcome = massOutcome(user, now);
      if (outcome === 'sent') {
        this.saveUser(afterMassSend(user, now));
      }
      return { openId, outcome };
    });
    const count = (test: (o: MassRecipientOutcome) => boolean): number =>
      recipients.filter((r) => test(r.outcome)).length;
    const job: MassJob = {
      msgId: this.nextMsgId++,
      msgDataId: this.nextMsgDataId++,
      appId,
      api,
      audience,
      msgtype: content.msgtype,
      payload: content.payload,
      submittedAt: new Date(now).toISOString(),
      finishedAt: null,
      status: 'SENDING',
      recipients,
      counts: {
        TotalCount: recipients.length,
        FilterCount: count((o) => o !== 'filtered-monthly-limit'),
        SentCount: count((o) => o === 'sent'),
        ErrorCount: count((o) => o.startsWith('error-')),
      },
      callback: null,
    };
    this.massJobs.set(job.msgId, job);
    return structuredClone(job);
  }

  /** Ends a job: the messages arrive now. Undefined when the job is gone (state reset) or done. */
  finishMassJob(msgId: number): MassJob | undefined {
    const job = this.massJobs.get(msgId);
    if (job === undefined || job.status !== 'SENDING') {
      return undefined;
    }
    job.finishedAt = new Date(this.state.now()).toISOString();
    job.status =
      job.counts.SentCount > 0 || job.counts.TotalCount === 0 ? 'SEND_SUCCESS' : 'SEND_FAIL';
    for (const { openId, outcome } of job.recipients) {
      if (outcome === 'sent') {
        this.recordDelivery({
          appId: job.appId,
          openId,
          source: 'mass',
          msgtype: job.msgtype,
          payload: job.payload,
          massMsgId: job.msgId,
        });
      }
    }
    return structuredClone(job);
  }

  setMassCallback(msgId: number, callback: MassCallbackOutcome): void {
    const job = this.massJobs.get(msgId);
    if (job !== undefined) {
      job.callback = { ...callback };
    }
  }

  getMassJob(appId: string, msgId: number): MassJob | undefined {
    const job = this.massJobs.get(msgId);
    return job?.appId === appId ? structuredClone(job) : undefined;
  }

  listMassJobs(appId?: string): MassJob[] {
    return [...this.massJobs.values()]
      .filter((job) => appId === undefined || job.appId === appId)
      .map((job) => structuredClone(job));
  }

  private audienceOpenIds(appId: string, audience: MassAudience): string[] {
    switch (audience.kind) {
      case 'all':
        return this.listUsers(appId)
          .filter((user) => user.following)
          .map((user) => user.openId);
      case 'tag':
        return this.tagMembers(appId, audience.tagId);
      case 'openids':
        return audience.openIds;
    }
  }

  // --- reset ----------------------------------------------------------------------------------

  reset(): void {
    this.users.clear();
    this.tags.clear();
    this.nextTagIds.clear();
    this.deliveries = [];
    this.massJobs.clear();
  }
}

function userKey(appId: string, openId: string): string {
  return `${appId} ${openId}`;
}
