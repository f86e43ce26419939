import { Agent, request } from 'node:http';

import { paceAtSteadyRate } from '../pipeline/steady-load';

/** One agent reply to send: to a customer's ticket, with a text no other reply of the run has. */
export interface PlannedReply {
  ticketId: string;
  openId: string;
  text: string;
}

export interface SentReply extends PlannedReply {
  postedAtMs: number;
  /** When the desk API answered; null while in flight or when the request failed. */
  answeredAtMs: number | null;
  status: number | null;
  /** The reply's message id from a 202 answer. */
  replyId: string | null;
}

/**
 * POST /api/v1/tickets/:id/messages for each reply at a fixed rate, open loop (see
 * paceAtSteadyRate): a slow desk API or outbound meets the same arrivals.
 */
export async function sendRepliesAtSteadyRate(
  deskApiUrl: string,
  accessToken: string,
  replies: readonly PlannedReply[],
  ratePerSecond: number,
): Promise<SentReply[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL(deskApiUrl);
  const sent: SentReply[] = [];
  await paceAtSteadyRate(replies, ratePerSecond, (reply) => {
    const record: SentReply = {
      ...reply,
      postedAtMs: Date.now(),
      answeredAtMs: null,
      status: null,
      replyId: null,
    };
    sent.push(record);
    return postReply(agent, target, accessToken, record);
  });
  agent.destroy();
  return sent;
}

function postReply(
  agent: Agent,
  target: URL,
  accessToken: string,
  record: SentReply,
): Promise<void> {
  const body = Buffer.from(JSON.stringify({ type: 'text', text: record.text }), 'utf8');
  return new Promise((resolveSend) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: `/api/v1/tickets/${encodeURIComponent(record.ticketId)}/messages`,
        headers: {
          Authorization: `Bearer ${accessToken}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length,
        },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          record.answeredAtMs = Date.now();
          record.status = response.statusCode ?? null;
          if (record.status === 202) {
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
              record.replyId = typeof answer.id === 'string' ? answer.id : null;
            } catch {
              // Not JSON: counted as not queued.
            }
          }
          resolveSend();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolveSend());
    req.end(body);
  });
}
