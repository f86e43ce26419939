import { Client } from 'pg';

import { topologyNames, SERVICE_NAMES } from '@wechat-desk/shared/messaging';
import { monthKey, replyPolicyRules } from '@wechat-desk/shared/reply-policy';

import { countMessages } from '../../../tools/bench/ingress/environment';
import type { FaultCluster } from './cluster';
import { retriesOf, sleep, type FaultLoad, type RequestedReply, type SentPush } from './load';

export interface Criterion {
  name: string;
  passed: boolean;
  /** The count behind the verdict, and the first offenders when it failed. */
  detail: string;
}

interface Counts {
  recorded: Map<string, number>;
  ticketed: Map<string, number>;
  visible: Set<string>;
  ticketsPerCustomer: Map<string, number>;
  deskOrder: Map<string, number[]>;
  replyStatus: Map<string, string>;
  replyFailure: Map<string, string>;
  unknownReplies: number;
}

async function withDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What the database holds, read as an operator would. */
async function countEffects(cluster: FaultCluster): Promise<Counts> {
  return withDatabase(cluster.databaseUrl, async (db) => {
    const channelId = cluster.channel.channelId;
    const recorded = await db.query<{ msg_id: string; copies: string; ticketed: string }>(
      `SELECT m.wechat_msg_id AS msg_id, count(DISTINCT m.id) AS copies,
              count(tm.message_id) AS ticketed
       FROM conversation.messages m
       LEFT JOIN ticketing.ticket_messages tm ON tm.message_id = m.id
       WHERE m.channel_id = $1 AND m.direction = 'in'
       GROUP BY m.wechat_msg_id`,
      [channelId],
    );
    const visible = await db.query<{ msg_id: string }>(
      `SELECT m.wechat_msg_id AS msg_id FROM conversation.messages m
       JOIN desk.message_views v ON v.id = m.id WHERE m.channel_id = $1`,
      [channelId],
    );
    const tickets = await db.query<{ open_id: string; tickets: string }>(
      `SELECT open_id, count(*) AS tickets FROM ticketing.tickets WHERE channel_id = $1 GROUP BY open_id`,
      [channelId],
    );
    const order = await db.query<{ open_id: string; text: string }>(
      `SELECT t.open_id, v.text FROM desk.message_views v
       JOIN desk.ticket_views t ON t.id = v.ticket_id
       WHERE v.direction = 'in' AND t.channel_id = $1
       ORDER BY t.open_id, v.sent_at, v.id`,
      [channelId],
    );
    const replies = await db.query<{ id: string; status: string; failure_code: string | null }>(
      `SELECT id, status, failure_code FROM desk.message_views WHERE direction = 'out'`,
    );
    const unknown = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbound.reply_sends WHERE status = 'unknown'`,
    );
    const deskOrder = new Map<string, number[]>();
    for (const row of order.rows) {
      const seq = /#(\d+)$/.exec(row.text)?.[1];
      if (seq !== undefined) {
        deskOrder.set(row.open_id, [...(deskOrder.get(row.open_id) ?? []), Number(seq)]);
      }
    }
    return {
      recorded: new Map(recorded.rows.map((row) => [row.msg_id, Number(row.copies)])),
      ticketed: new Map(recorded.rows.map((row) => [row.msg_id, Number(row.ticketed)])),
      visible: new Set(visible.rows.map((row) => row.msg_id)),
      ticketsPerCustomer: new Map(tickets.rows.map((row) => [row.open_id, Number(row.tickets)])),
      deskOrder,
      replyStatus: new Map(replies.rows.map((row) => [row.id, row.status])),
      replyFailure: new Map(
        replies.rows.flatMap((row) =>
          row.failure_code === null ? [] : [[row.id, row.failure_code] as const],
        ),
      ),
      unknownReplies: Number(unknown.rows[0]?.n ?? 0),
    };
  });
}

const firstFew = (values: readonly string[]): string =>
  values.length === 0 ? '' : ` (e.g. ${values.slice(0, 3).join(', ')})`;

interface Deliveries {
  /** How many times each text reached a customer. */
  byText: Map<string, number>;
  /** Messages each customer received per calendar month (WeChat's months, Asia/Shanghai). */
  perCustomerMonth: Map<string, number>;
}

/** What the customers received, from the simulator (WeChat's own record). */
async function fetchDeliveries(cluster: FaultCluster): Promise<Deliveries> {
  const answer = await fetch(
    `${cluster.simulatorUrl}/sim/deliveries?appId=${cluster.channel.appId}`,
  );
  const { items } = (await answer.json()) as {
    items: Array<{ payload: unknown; openId: string; at: string }>;
  };
  const byText = new Map<string, number>();
  const perCustomerMonth = new Map<string, number>();
  for (const item of items) {
    const content = (item.payload as { content?: unknown } | null)?.content;
    if (typeof content === 'string') {
      byText.set(content, (byText.get(content) ?? 0) + 1);
    }
    const key = `${item.openId} ${monthKey(new Date(item.at))}`;
    perCustomerMonth.set(key, (perCustomerMonth.get(key) ?? 0) + 1);
  }
  return { byText, perCustomerMonth };
}

/** WeChat's rule outside the 48-hour window (the same for every reply policy). */
const MONTHLY_LIMIT = replyPolicyRules('desk-classic').monthlyLimit;
const QUOTA_REFUSAL = 'MONTHLY_QUOTA_EXHAUSTED';

/**
 * No quota overshoot: each customer outside the window received at most 4 messages in a month
 * (by the simulator) and the desk marked at most 4 sent (or in doubt); every other reply to them
 * was refused with MONTHLY_QUOTA_EXHAUSTED, up front (409) or by outbound, and none before the 4
 * were taken. Once all their replies were sent, each must have hit the limit (the check ran).
 */
function quotaCriterion(
  load: FaultLoad,
  counts: Counts,
  deliveries: Deliveries,
  owedReplies: readonly RequestedReply[],
): Criterion {
  const owed = new Set(owedReplies.map((reply) => reply.replyId));
  const overshoot: string[] = [];
  const wronglyRefused: string[] = [];
  const notExercised: string[] = [];
  let sentTotal = 0;
  let refusedTotal = 0;
  for (const openId of load.quotaCustomers) {
    const months = [...deliveries.perCustomerMonth].filter(([key]) => key.startsWith(`${openId} `));
    const replies = load.replies.filter(
      (reply) => reply.openId === openId && owed.has(reply.replyId),
    );
    const status = (reply: RequestedReply): string =>
      counts.replyStatus.get(reply.replyId) ?? 'queued';
    const taken = replies.filter((reply) => ['sent', 'unknown'].includes(status(reply))).length;
    const pending = replies.filter((reply) => status(reply) === 'queued').length;
    const refusedUpFront = load.refusedQuotaReplies.filter((refusal) => refusal.openId === openId);
    const refusedLater = replies.filter((reply) => status(reply) === 'failed');
    const badCodes = [
      ...refusedUpFront.map((refusal) => refusal.code),
      ...refusedLater.map((reply) => counts.replyFailure.get(reply.replyId) ?? ''),
    ].filter((code) => code !== QUOTA_REFUSAL);
    const refused = refusedUpFront.length + refusedLater.length;
    sentTotal += taken;
    refusedTotal += refused;
    if (months.some(([, received]) => received > MONTHLY_LIMIT) || taken > MONTHLY_LIMIT) {
      overshoot.push(`${openId}: ${taken} sent, ${months.map(([k, n]) => `${k}: ${n}`).join()}`);
    }
    // A refusal is right only with that code, and only once the month's slots were all taken.
    if (badCodes.length > 0 || (refused > 0 && taken + pending < MONTHLY_LIMIT)) {
      wronglyRefused.push(`${openId}: ${taken} sent, refused ${refused} (${badCodes.join()})`);
    }
    const allOwed =
      load.replies.filter((reply) => reply.openId === openId).length === replies.length;
    if (load.quotaRepliesDone && allOwed && pending === 0 && refused === 0) {
      notExercised.push(openId);
    }
  }
  return {
    name: 'no quota overshoot outside the 48-hour window',
    passed: overshoot.length === 0 && wronglyRefused.length === 0 && notExercised.length === 0,
    detail: `${load.quotaCustomers.length} customers, ${sentTotal} sent, ${refusedTotal} refused ${QUOTA_REFUSAL}; ${overshoot.length} over ${MONTHLY_LIMIT}${firstFew(overshoot)}, ${wronglyRefused.length} wrongly refused${firstFew(wronglyRefused)}, ${notExercised.length} never refused${firstFew(notExercised)}`,
  };
}

/**
 * Waits until every push owed (acknowledged by then: the load goes on) is visible in the desk and no reply is still queued (or
 * `timeoutMs` passes); resolves with how long that took.
 */
export async function settle(
  cluster: FaultCluster,
  owedPushes: readonly SentPush[],
  owedReplies: readonly RequestedReply[],
  timeoutMs = 120_000,
): Promise<number> {
  const startedAt = Date.now();
  const owed = owedPushes.map((push) => push.msgId);
  while (Date.now() - startedAt < timeoutMs) {
    const counts = await countEffects(cluster).catch(() => null);
    if (
      counts !== null &&
      owed.every((msgId) => counts.visible.has(msgId)) &&
      owedReplies.every((reply) => (counts.replyStatus.get(reply.replyId) ?? 'queued') !== 'queued')
    ) {
      return Date.now() - startedAt;
    }
    await sleep(1_000);
  }
  return Date.now() - startedAt;
}

/**
 * The pass criteria, counted from the database and the simulator after the system settled, for
 * the pushes acknowledged before it settled.
 */
export async function judge(
  cluster: FaultCluster,
  load: FaultLoad,
  acknowledged: readonly SentPush[],
  owedReplies: readonly RequestedReply[],
  expectedDeadLetters: number,
): Promise<Criterion[]> {
  const counts = await countEffects(cluster);
  const lost = acknowledged.filter((push) => !counts.recorded.has(push.msgId));
  const doubled = [...counts.recorded].filter(([, copies]) => copies > 1);
  const badlyTicketed = acknowledged.filter(
    (push) => counts.recorded.has(push.msgId) && counts.ticketed.get(push.msgId) !== 1,
  );
  const invisible = acknowledged.filter((push) => !counts.visible.has(push.msgId));
  const customersWithPushes = new Set(acknowledged.map((push) => push.openId));
  const wrongTickets = [...customersWithPushes].filter(
    (openId) => counts.ticketsPerCustomer.get(openId) !== 1,
  );
  const outOfOrder = [...counts.deskOrder].filter(([, seqs]) =>
    seqs.some((seq, index) => index > 0 && seq <= (seqs[index - 1] ?? 0)),
  );
  const deliveries = await fetchDeliveries(cluster);
  const delivered = deliveries.byText;
  const sentTwice = load.replies.filter((reply) => (delivered.get(reply.text) ?? 0) > 1);
  const sentNotDelivered = load.replies.filter(
    (reply) => counts.replyStatus.get(reply.replyId) === 'sent' && !delivered.has(reply.text),
  );
  const stillQueued = owedReplies.filter(
    (reply) => (counts.replyStatus.get(reply.replyId) ?? 'queued') === 'queued',
  );
  // Every customer but the quota ones wrote moments ago: WeChat takes all their replies.
  const quotaCustomers = new Set(load.quotaCustomers);
  const failedInWindow = owedReplies.filter(
    (reply) =>
      !quotaCustomers.has(reply.openId) && counts.replyStatus.get(reply.replyId) === 'failed',
  );
  const deadLetters = await countMessages(
    process.env['RABBITMQ_URL'] || 'amqp://guest:guest@localhost:5672',
    SERVICE_NAMES.map((service) => topologyNames(cluster.namespace).deadLetterQueue(service)),
  );
  const deadLettered = Object.values(deadLetters).reduce((sum, count) => sum + count, 0);
  const sentReplies = load.replies.filter(
    (reply) => counts.replyStatus.get(reply.replyId) === 'sent',
  ).length;
  return [
    {
      name: 'every acknowledged push recorded',
      passed: lost.length === 0,
      detail: `${acknowledged.length} acknowledged, ${lost.length} lost${firstFew(lost.map((push) => push.content))}`,
    },
    {
      name: 'no message recorded twice',
      passed: doubled.length === 0,
      detail: `${doubled.length} doubled (${load.pushes.filter((push) => push.duplicated).length} duplicates and ${retriesOf(load.pushes)} retries sent)`,
    },
    {
      name: 'every message ticketed exactly once',
      passed: badlyTicketed.length === 0,
      detail: `${badlyTicketed.length} not ticketed exactly once`,
    },
    {
      name: 'every message visible to agents',
      passed: invisible.length === 0,
      detail: `${invisible.length} missing from the desk${firstFew(invisible.map((push) => push.content))}`,
    },
    {
      name: 'one ticket per customer',
      passed: wrongTickets.length === 0,
      detail: `${customersWithPushes.size} customers, ${wrongTickets.length} with ≠ 1 ticket${firstFew(wrongTickets)}`,
    },
    {
      name: "each customer's messages in order",
      passed: outOfOrder.length === 0,
      detail: `${outOfOrder.length} customers out of order${firstFew(outOfOrder.map(([openId]) => openId))}`,
    },
    {
      name: 'no reply sent twice',
      passed: sentTwice.length === 0,
      detail: `${load.replies.length} replies queued, ${sentReplies} sent, ${sentTwice.length} delivered twice`,
    },
    {
      name: 'a reply marked sent reached WeChat; none left queued or failed in the window',
      passed:
        sentNotDelivered.length === 0 && stillQueued.length === 0 && failedInWindow.length === 0,
      detail: `${sentNotDelivered.length} sent but not delivered, ${stillQueued.length} still queued, ${failedInWindow.length} failed in the window${firstFew(failedInWindow.map((reply) => `${reply.openId}: ${counts.replyFailure.get(reply.replyId) ?? '?'}`))}, ${counts.unknownReplies} marked unknown for review`,
    },
    quotaCriterion(load, counts, deliveries, owedReplies),
    {
      name: 'only the poison messages dead-lettered',
      passed: deadLettered === expectedDeadLetters,
      detail: `${deadLettered} dead letters, ${expectedDeadLetters} poison sent`,
    },
  ];
}
