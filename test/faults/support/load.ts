import { randomUUID } from 'node:crypto';

import {
  isWechatAcknowledgement,
  sendPush,
  textMessage,
  unixSeconds,
  WECHAT_PUSH_RETRIES,
  WECHAT_PUSH_TIMEOUT_MS,
} from '@wechat-desk/wechat/push-client';

import type { FaultCluster } from './cluster';

export interface SentPush {
  openId: string;
  /** 1, 2, … per customer: the order the customer wrote in. */
  seq: number;
  msgId: string;
  content: string;
  /** The fault running when it was first sent ('' between faults). */
  phase: string;
  sentAtMs: number;
  /** An attempt got WeChat's acknowledgement: the system owes this message. */
  acknowledged: boolean;
  attempts: number;
  /** Sent again after it was acknowledged, as WeChat sometimes does. */
  duplicated: boolean;
}

export interface RequestedReply {
  replyId: string;
  openId: string;
  ticketId: string;
  text: string;
  phase: string;
}

/** WeChat's re-sends among `pushes` (a push still before its first attempt has none). */
export const retriesOf = (pushes: readonly SentPush[]): number =>
  pushes.reduce((sum, push) => sum + Math.max(0, push.attempts - 1), 0);

export interface LoadOptions {
  customers: number;
  pushesPerSecond: number;
  repliesPerSecond: number;
  /** Share of acknowledged pushes sent once more. */
  duplicateRatio: number;
  /**
   * Share of pushes whose first acknowledgement is lost on the way back to WeChat, so WeChat
   * sends the same push again: a retry of a message the desk already holds.
   */
  lostAnswerRatio?: number;
  /**
   * Customers who last wrote 49 hours ago: their 48-hour window is closed, so only WeChat's 4
   * messages per calendar month reach them. Each gets `quotaRepliesEach` (more than 4) replies.
   */
  quotaCustomers?: number;
  quotaRepliesEach?: number;
}

/** A reply to a quota customer that the desk refused up front (409), with its code. */
export interface RefusedQuotaReply {
  openId: string;
  code: string;
}

/** WeChat's free window after a customer message, plus an hour: closed beyond doubt. */
const QUOTA_CUSTOMER_LAST_WROTE_MS = 49 * 60 * 60 * 1000;
/** One agent reply in this many goes to a quota customer, so their sends spread over the run. */
const QUOTA_REPLY_EVERY = 4;

const OPENID_PREFIX = 'oFault';

/**
 * WeChat's side and the agents' side while faults happen: customers writing (each one message at
 * a time, in order, retried like WeChat on no answer, sometimes duplicated) and agents replying to
 * the tickets the desk shows.
 */
export class FaultLoad {
  readonly pushes: SentPush[] = [];
  readonly replies: RequestedReply[] = [];
  /** Replies the desk refused (any status but 202), by status. */
  readonly refusedReplies = new Map<number, number>();
  phase = '';
  private running = false;
  private readonly loops: Array<Promise<void>> = [];
  private readonly nextSeq = new Map<string, number>();
  private readonly lastCreateTime = new Map<string, number>();
  private readonly openIds: string[];
  private readonly quotaOpenIds: string[];
  readonly refusedQuotaReplies: RefusedQuotaReply[] = [];
  /** A customer outside the paced load whose messages tell when the pipeline flows again. */
  readonly probeOpenId: string;
  private readonly tickets = new Map<string, string>();
  private msgCounter = 0n;
  private ingressTurn = 0;

  constructor(
    private readonly cluster: FaultCluster,
    private readonly options: LoadOptions,
  ) {
    const run = randomUUID().replaceAll('-', '').slice(0, 8);
    this.openIds = Array.from(
      { length: options.customers },
      (_, index) => `${OPENID_PREFIX}${run}${String(index).padStart(5, '0')}`,
    );
    this.quotaOpenIds = Array.from(
      { length: options.quotaCustomers ?? 0 },
      (_, index) => `${OPENID_PREFIX}${run}quota${String(index).padStart(3, '0')}`,
    );
    this.probeOpenId = `${OPENID_PREFIX}${run}probe`;
    this.msgCounter = 7_400_000_000_000_000_000n + BigInt(unixSeconds()) * 1_000_000n;
  }

  get customers(): readonly string[] {
    return this.openIds;
  }

  /** Customers outside their 48-hour window, limited to 4 messages a month. */
  get quotaCustomers(): readonly string[] {
    return this.quotaOpenIds;
  }

  /** Replies each quota customer is sent: more than the month allows. */
  get quotaRepliesEach(): number {
    return this.options.quotaRepliesEach ?? 6;
  }

  /** Whether every quota customer has been sent all their replies (accepted or refused). */
  get quotaRepliesDone(): boolean {
    return this.quotaOpenIds.every(
      (openId) => this.quotaRepliesTo(openId) >= this.quotaRepliesEach,
    );
  }

  /** Replies requested of the desk for a quota customer: accepted (202) or refused (409). */
  private quotaRepliesTo(openId: string): number {
    const accepted = this.replies.filter((reply) => reply.openId === openId).length;
    const refused = this.refusedQuotaReplies.filter((refusal) => refusal.openId === openId).length;
    return accepted + refused;
  }

  /**
   * The quota customers wrote 49 hours ago: WeChat records it then, and the desk gets that message
   * now with its CreateTime (as it would have then), so both sides see their window closed.
   */
  async registerCustomers(): Promise<void> {
    const wroteAt = new Date(Date.now() - QUOTA_CUSTOMER_LAST_WROTE_MS);
    await Promise.all(
      this.quotaOpenIds.map(async (openId) => {
        const push = this.newPush(openId, `fault message ${openId} #1`, 1);
        this.pushes.push(push);
        await this.deliver(push, Math.floor(wroteAt.getTime() / 1000));
        if (!push.acknowledged) {
          throw new Error(`the quota customer ${openId}'s message was not acknowledged`);
        }
      }),
    );
  }

  private async recordInteraction(openId: string, at: Date): Promise<void> {
    const answer = await fetch(
      `${this.cluster.simulatorUrl}/sim/accounts/${this.cluster.channel.appId}/users/${openId}/interactions`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'message', at: at.toISOString() }),
      },
    );
    if (!answer.ok) {
      throw new Error(`the simulator refused ${openId}: ${answer.status}`);
    }
  }

  start(): void {
    this.running = true;
    // One loop per customer keeps each customer's messages in order, as a person writes.
    const customerIntervalMs = (this.options.customers / this.options.pushesPerSecond) * 1000;
    for (const [index, openId] of this.openIds.entries()) {
      this.loops.push(
        this.customerLoop(
          openId,
          customerIntervalMs,
          index * (customerIntervalMs / this.openIds.length),
        ),
      );
    }
    if (this.options.repliesPerSecond > 0) {
      this.loops.push(this.agentLoop(1000 / this.options.repliesPerSecond));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /**
   * One more message from the probe customer, outside the paced load: acknowledged or not
   * within WeChat's retries. Counted like every other push.
   */
  async probe(): Promise<SentPush> {
    const seq = this.nextSeq.get(this.probeOpenId) ?? 1;
    this.nextSeq.set(this.probeOpenId, seq + 1);
    const push = this.newPush(this.probeOpenId, `fault message ${this.probeOpenId} #${seq}`, seq);
    this.pushes.push(push);
    await this.deliver(push);
    return push;
  }

  private async customerLoop(openId: string, intervalMs: number, offsetMs: number): Promise<void> {
    await sleep(offsetMs);
    while (this.running) {
      const startedAt = Date.now();
      const seq = this.nextSeq.get(openId) ?? 1;
      this.nextSeq.set(openId, seq + 1);
      const push = this.newPush(openId, `fault message ${openId} #${seq}`, seq);
      this.pushes.push(push);
      await this.deliver(push);
      await sleep(Math.max(0, intervalMs - (Date.now() - startedAt)));
    }
  }

  private newPush(openId: string, content: string, seq = 0): SentPush {
    this.msgCounter += 1n;
    return {
      openId,
      seq,
      msgId: this.msgCounter.toString(),
      content,
      phase: this.phase,
      sentAtMs: Date.now(),
      acknowledged: false,
      attempts: 0,
      duplicated: false,
    };
  }

  /**
   * WeChat's way: an attempt, then up to 3 more when there is no acknowledgement within 5 s.
   * `writtenAt` (unix seconds) is when the customer wrote, if not now.
   */
  private async deliver(push: SentPush, writtenAt = unixSeconds()): Promise<void> {
    // CreateTime strictly increases per customer, so the order they wrote in is unambiguous.
    const createTime = Math.max(writtenAt, (this.lastCreateTime.get(push.openId) ?? 0) + 1);
    this.lastCreateTime.set(push.openId, createTime);
    // WeChat knows the customer wrote before it pushes: its 48-hour window and the 5 replies per
    // customer message count from here. The pushes skip the simulator, so it is told.
    await this.recordInteraction(push.openId, new Date(createTime * 1000)).catch(() => undefined);
    const inner = textMessage({
      toUserName: this.cluster.channel.originalId,
      fromUserName: push.openId,
      createTime,
      msgId: push.msgId,
      content: push.content,
    });
    for (let attempt = 0; attempt <= WECHAT_PUSH_RETRIES && !push.acknowledged; attempt++) {
      push.attempts += 1;
      const attemptStartedAt = Date.now();
      const answered = await this.attempt(inner, push.openId);
      const answerLost = attempt === 0 && Math.random() < (this.options.lostAnswerRatio ?? 0);
      if (answered && !answerLost) {
        push.acknowledged = true;
        break;
      }
      // WeChat retries after its 5 s deadline; a refused connection is retried sooner here.
      await sleep(
        Math.max(0, Math.min(1_000, WECHAT_PUSH_TIMEOUT_MS - (Date.now() - attemptStartedAt))),
      );
    }
    if (push.acknowledged && Math.random() < this.options.duplicateRatio) {
      push.duplicated = true;
      await this.attempt(inner, push.openId);
    }
  }

  private async attempt(innerXml: string, openId: string): Promise<boolean> {
    const urls = this.cluster.ingressUrls();
    const url = urls[this.ingressTurn++ % urls.length] ?? '';
    try {
      const result = await sendPush(
        {
          callbackUrl: `${url}/wechat/${this.cluster.channel.channelId}`,
          token: this.cluster.channel.token,
          mode: 'secure',
          encodingAesKey: this.cluster.channel.encodingAesKey,
          appId: this.cluster.channel.appId,
          openId,
          originalId: this.cluster.channel.originalId,
        },
        innerXml,
        { timeoutMs: WECHAT_PUSH_TIMEOUT_MS },
      );
      return isWechatAcknowledgement(result);
    } catch {
      return false;
    }
  }

  /**
   * Agents answer customers whose ticket the desk shows, one reply at a time per tick; every
   * QUOTA_REPLY_EVERY-th tick goes to a quota customer who has not had all their replies yet.
   */
  private async agentLoop(intervalMs: number): Promise<void> {
    let turn = 0;
    let tick = 0;
    let quotaTurn = 0;
    while (this.running) {
      const startedAt = Date.now();
      const quotaOpenId =
        ++tick % QUOTA_REPLY_EVERY === 0 ? this.nextQuotaCustomer(quotaTurn++) : undefined;
      const openId = quotaOpenId ?? this.openIds[turn++ % this.openIds.length] ?? '';
      await this.replyTo(openId).catch(() => undefined);
      await sleep(Math.max(0, intervalMs - (Date.now() - startedAt)));
    }
  }

  private nextQuotaCustomer(turn: number): string | undefined {
    const pending = this.quotaOpenIds.filter(
      (openId) => this.quotaRepliesTo(openId) < this.quotaRepliesEach,
    );
    return pending[turn % Math.max(1, pending.length)];
  }

  private async replyTo(openId: string): Promise<void> {
    const ticketId = this.tickets.get(openId) ?? (await this.findTicket(openId));
    if (ticketId === null) {
      return;
    }
    const quota = this.quotaOpenIds.includes(openId);
    const text = `fault reply ${randomUUID()}`;
    const phase = this.phase;
    const answer = await fetch(`${this.cluster.deskApiUrl}/api/v1/tickets/${ticketId}/messages`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${this.cluster.accessToken}`,
      },
      body: JSON.stringify({ type: 'text', text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (answer.status === 202) {
      const { id } = (await answer.json()) as { id: string };
      this.replies.push({ replyId: id, openId, ticketId, text, phase });
    } else {
      this.refusedReplies.set(answer.status, (this.refusedReplies.get(answer.status) ?? 0) + 1);
    }
    if (quota && answer.status === 409) {
      const body = (await answer.json().catch(() => null)) as { error?: { code?: string } } | null;
      this.refusedQuotaReplies.push({ openId, code: body?.error?.code ?? '' });
    }
  }

  private async findTicket(openId: string): Promise<string | null> {
    const [row] = await this.cluster.system
      .query<{ id: string }>(
        `SELECT id FROM desk.ticket_views WHERE open_id = '${openId}' AND status = 'open' LIMIT 1`,
      )
      .catch(() => []);
    if (row !== undefined) {
      this.tickets.set(openId, row.id);
    }
    return row?.id ?? null;
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
