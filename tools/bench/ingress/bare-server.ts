import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { connect, type ConfirmChannel, type Message } from 'amqplib';

import {
  decryptForApp,
  msgSignature,
  parseWechatXml,
  signaturesEqual,
  urlSignature,
  WechatCryptoError,
} from '@wechat-desk/wechat/crypto';

import { requiredEnv } from './server-env';

/**
 * Target (b): the practical limit for Node. node:http with no framework does what the ingress
 * must at least do: read the body, take `Encrypt` from it, check both signatures in constant time
 * and the timestamp, decrypt (AES-256-CBC, PKCS#7/32), check the AppID, and publish the decrypted
 * message as JSON with a publisher confirm (persistent, mandatory) to a quorum queue; `success`
 * only after the confirm. Unlike the ingress it neither parses the inner XML nor validates fields.
 */

const port = Number(requiredEnv('BENCH_PORT'));
const token = requiredEnv('BENCH_TOKEN');
const encodingAesKey = requiredEnv('BENCH_ENCODING_AES_KEY');
const appId = requiredEnv('BENCH_APP_ID');
const channelId = requiredEnv('BENCH_CHANNEL_ID');
const exchange = requiredEnv('BENCH_EXCHANGE');
const routingKey = requiredEnv('BENCH_ROUTING_KEY');
const maxSkewS = Number(process.env['BENCH_MAX_CLOCK_SKEW_S'] ?? 300);
const pushPath = `/wechat/${channelId}`;
const BODY_LIMIT = 1_048_576;

let channel: ConfirmChannel | null = null;
/** messageIds the broker returned as unroutable (mandatory), before their confirm. */
const returned = new Set<string>();

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function handlePush(query: URLSearchParams, body: string, res: ServerResponse): void {
  const signature = query.get('signature');
  const timestamp = query.get('timestamp');
  const nonce = query.get('nonce');
  if (signature === null || timestamp === null || nonce === null) {
    return answer(res, 401, 'missing_signature');
  }
  if (!signaturesEqual(urlSignature(token, timestamp, nonce), signature)) {
    return answer(res, 401, 'bad_signature');
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > maxSkewS
  ) {
    return answer(res, 401, 'stale_timestamp');
  }
  let message: string;
  try {
    const outer = parseWechatXml(body);
    const encrypt = typeof outer['Encrypt'] === 'string' ? outer['Encrypt'].trim() : undefined;
    const expected = query.get('msg_signature');
    if (query.get('encrypt_type') !== 'aes' || encrypt === undefined || expected === null) {
      return answer(res, 401, 'missing_signature');
    }
    if (!signaturesEqual(msgSignature(token, timestamp, nonce, encrypt), expected)) {
      return answer(res, 401, 'bad_signature');
    }
    message = decryptForApp([encodingAesKey], encrypt, appId).message;
  } catch (error) {
    return answer(res, 400, error instanceof WechatCryptoError ? 'bad_ciphertext' : 'bad_xml');
  }
  const publishing = channel;
  if (publishing === null) {
    return answer(res, 503, 'try again');
  }
  const messageId = randomUUID();
  const content = Buffer.from(
    JSON.stringify({ id: messageId, channelId, receivedAt: new Date().toISOString(), message }),
  );
  try {
    publishing.publish(
      exchange,
      routingKey,
      content,
      { persistent: true, mandatory: true, messageId, contentType: 'application/json' },
      (error: unknown) => {
        const wasReturned = returned.delete(messageId);
        if (error !== null && error !== undefined) {
          answer(res, 503, 'try again');
        } else if (wasReturned) {
          answer(res, 503, 'unroutable');
        } else {
          answer(res, 200, 'success');
        }
      },
    );
  } catch {
    answer(res, 503, 'try again');
  }
}

function onRequest(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  if (req.method === 'GET' && path === '/health') {
    return answer(res, channel === null ? 503 : 200, channel === null ? 'starting' : 'ok');
  }
  if (req.method !== 'POST' || path !== pushPath) {
    return answer(res, 404, 'not found');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT) {
      answer(res, 413, 'too large');
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= BODY_LIMIT) {
      handlePush(
        new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1)),
        Buffer.concat(chunks).toString('utf8'),
        res,
      );
    }
  });
}

async function main(): Promise<void> {
  const model = await connect(requiredEnv('RABBITMQ_URL'), {
    clientProperties: { connection_name: 'bench-bare' },
  });
  const confirmChannel = await model.createConfirmChannel();
  confirmChannel.on('return', (message: Message) => {
    const id = message.properties.messageId as string | undefined;
    if (id !== undefined) {
      returned.add(id);
    }
  });
  model.on('error', (error: Error) => process.stderr.write(`RabbitMQ: ${error.message}\n`));
  channel = confirmChannel;
  const server = createServer({ keepAliveTimeout: 65_000 }, onRequest);
  server.listen(port, '127.0.0.1', () => process.stdout.write(`bare listening on ${port}\n`));
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void model.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
