import { parseEnvelope } from '@wechat-desk/contracts';
import {
  buildPush,
  imageMessage,
  linkMessage,
  locationMessage,
  subscribeEvent,
  textMessage,
  type BuiltPush,
  type PushTarget,
} from '@wechat-desk/wechat/push-client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { seededRandom, waitFor } from '@wechat-desk/shared/testing';

import { IngressHarness, type TestChannel } from '../test-support/ingress-harness';

/**
 * Throws at least 10,000 random and mutated requests at the real ingress (Fastify's whole request
 * path, in process) with real RabbitMQ, PostgreSQL and Redis: no crash, no 5xx (503 is reserved
 * for durability, and every dependency is up here), and nothing published from an invalid push.
 * Reproducible: FUZZ_SEED=<seed> replays a run; FUZZ_REQUESTS changes its size.
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2_147_483_647);
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 10_500);
/** A guard against a hang, not a measure: ~1 ms a request here, 3 ms on a busy CI machine. */
const TIMEOUT_MS = 30_000 + REQUESTS * 12;

const random = seededRandom(SEED);
const int = (below: number): number => Math.floor(random() * below);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const NASTY_SNIPPETS = [
  '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE a [<!ENTITY b "bbbbbbbb"><!ENTITY c "&b;&b;&b;&b;">]>',
  '&e;',
  '&#0;',
  '&#x110000;',
  '<![CDATA[',
  ']]>',
  '<__proto__><polluted>1</polluted></__proto__>',
  '<constructor><prototype><x>1</x></prototype></constructor>',
  '<MsgId>123456789012345678901234567890</MsgId>',
  '<MsgId>-1</MsgId>',
  '<CreateTime>1e99</CreateTime>',
  '<CreateTime>-5</CreateTime>',
  '<MsgType>event</MsgType>',
  '<MsgType><![CDATA[]]></MsgType>',
  '<Event><![CDATA[subscribe]]></Event>',
  '<FromUserName><![CDATA[../../etc]]></FromUserName>',
  '<Location_X>NaN</Location_X>',
  '<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>x</PicMd5Sum></item></PicList></SendPicsInfo>',
  '<a>'.repeat(600),
  '</xml>',
  '<xml>',
  '\u0000',
  '\uFFFE',
  '\uD800',
  '💥',
  '<?xml version="1.0" encoding="UTF-16"?>',
  '<?xml-stylesheet href="x"?>',
  '<!-- comment -->',
  ' xmlns:x="urn:x" ',
];

const QUERY_KEYS = [
  'signature',
  'timestamp',
  'nonce',
  'openid',
  'encrypt_type',
  'msg_signature',
  'echostr',
];
const WEIRD_VALUES = [
  '',
  '0',
  '-1',
  '1e309',
  'aes',
  'AES',
  '%ZZ',
  '%00',
  'f'.repeat(40),
  'x'.repeat(5_000),
  '__proto__',
  '你好',
  String(Number.MAX_SAFE_INTEGER),
];

function mutateText(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  switch (int(8)) {
    case 0: {
      const at = int(bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ (1 << int(8));
      return bytes.toString('latin1');
    }
    case 1:
      return text.slice(0, int(text.length));
    case 2: {
      const at = int(text.length);
      return text.slice(0, at) + pick(NASTY_SNIPPETS) + text.slice(at);
    }
    case 3: {
      const from = int(text.length);
      return text.slice(0, from) + text.slice(from + 1 + int(40));
    }
    case 4: {
      const from = int(text.length);
      const piece = text.slice(from, from + 1 + int(200));
      return text.slice(0, from) + piece + piece + text.slice(from);
    }
    case 5:
      return text.replace(
        /<!\[CDATA\[([^\]]*)\]\]>/,
        (_, inner: string) => `<![CDATA[${inner}x]]>`,
      );
    case 6: {
      // Re-encodes the ciphertext's base64 with one character changed.
      return text.replace(/<Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)/, (_, b64: string) => {
        const at = int(b64.length);
        return `<Encrypt><![CDATA[${b64.slice(0, at)}${pick(['A', '/', '=', '*'])}${b64.slice(at + 1)}`;
      });
    }
    default:
      return Buffer.from(Array.from({ length: int(600) }, () => int(256))).toString('latin1');
  }
}

function mutateUrl(url: string): string {
  const parsed = new URL(url);
  switch (int(6)) {
    case 0:
      parsed.searchParams.delete(pick(QUERY_KEYS));
      break;
    case 1:
      parsed.searchParams.set(pick(QUERY_KEYS), pick(WEIRD_VALUES));
      break;
    case 2:
      // Repeated parameters arrive as arrays, not strings.
      parsed.searchParams.append(pick(QUERY_KEYS), pick(WEIRD_VALUES));
      break;
    case 3: {
      const key = pick(QUERY_KEYS);
      const value = parsed.searchParams.get(key) ?? '';
      parsed.searchParams.set(key, mutateText(value));
      break;
    }
    case 4:
      parsed.pathname = `/wechat/${pick(['', 'x', '%00', '..%2f..', '00000000-0000-0000-0000-000000000000', 'a'.repeat(3_000)])}`;
      break;
    default: {
      const signature = parsed.searchParams.get('signature') ?? '';
      parsed.searchParams.set('signature', parsed.searchParams.get('msg_signature') ?? '');
      parsed.searchParams.set('msg_signature', signature);
    }
  }
  return parsed.toString();
}

let ingress: IngressHarness;
type Fastify = ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>;
let fastify: Fastify;

beforeAll(async () => {
  ingress = await IngressHarness.start('ingress_fuzz');
  fastify = (ingress.app as NestFastifyApplication).getHttpAdapter().getInstance();
});

afterAll(async () => {
  await ingress?.stop();
});

let sequence = 0;
function innerMessage(): { xml: string; msgId: string | null } {
  const header = {
    toUserName: 'gh_0123456789ab',
    fromUserName: `oFuzz_${int(50)}`,
  };
  const msgId = String(9_000_000_000_000_000_000n + BigInt(++sequence));
  switch (int(5)) {
    case 0:
      return {
        xml: textMessage({ ...header, msgId, content: `fuzz ${msgId} 你好 👋 <&>` }),
        msgId,
      };
    case 1:
      return {
        xml: imageMessage({
          ...header,
          msgId,
          picUrl: 'http://mmbiz.qpic.cn/x',
          mediaId: `m${msgId}`,
        }),
        msgId,
      };
    case 2:
      return {
        xml: locationMessage({
          ...header,
          msgId,
          latitude: 23.13,
          longitude: 113.26,
          scale: 15,
          label: '广州',
        }),
        msgId,
      };
    case 3:
      return {
        xml: linkMessage({
          ...header,
          msgId,
          title: 't',
          description: 'd',
          url: 'https://example.com/?a=1&b=2',
        }),
        msgId,
      };
    default:
      return {
        xml: subscribeEvent({ ...header, createTime: 1_764_000_000 + sequence }),
        msgId: null,
      };
  }
}

/** Requests signed by the channel's own token whose inner content is junk: must still be refused. */
function signedJunk(target: PushTarget): BuiltPush & { inner: string } {
  const inner = mutateText(innerMessage().xml);
  return {
    inner,
    ...buildPush(
      {
        ...target,
        // A compatible channel takes the secure shape too; junk cannot be spliced into its plaintext.
        mode: target.mode === 'compatible' ? 'secure' : target.mode,
        originalId: 'gh_0123456789ab',
        openId: 'oFuzz_0',
      },
      inner,
    ),
  };
}

interface Sent {
  /** A POST answered 200 is a push accepted; a GET answered 200 only echoed echostr. */
  method: string;
  channelMode: TestChannel['encryptionMode'] | 'disabled';
  mutated: boolean;
  status: number;
  msgId: string | null;
}

const isAcceptedPush = (s: Sent): boolean =>
  s.method === 'POST' && s.status === 200 && s.channelMode !== 'disabled';

describe('ingress fuzzing', () => {
  it(
    `survives ${REQUESTS} random and mutated requests (seed ${SEED})`,
    async () => {
      const channels = await Promise.all(
        (['secure', 'compatible', 'plaintext'] as const).map(async (mode) => {
          const channel = ingress.newChannel({ encryptionMode: mode });
          await ingress.announce(channel);
          return channel;
        }),
      );
      const disabled = ingress.newChannel({ enabled: false });
      await ingress.announce(disabled);
      const targets = [...channels, disabled].map((channel) => ({
        channel,
        target: ingress.target(channel),
      }));
      await waitFor(
        async () => {
          for (const { target } of targets) {
            const probe = buildPush(
              target,
              textMessage({
                toUserName: 'gh_0123456789ab',
                fromUserName: 'oProbe',
                msgId: '1',
                content: 'x',
              }),
            );
            const response = await fastify.inject({ method: 'GET', url: `${probe.url}&echostr=1` });
            if (response.statusCode !== 200) {
              return false;
            }
          }
          return true;
        },
        { description: 'the ingress knows the fuzzed channels' },
      );

      const sent: Sent[] = [];
      const serverErrors: string[] = [];
      /** Every inner message the channels' own keys signed, originals and signed junk alike. */
      const signedInners = new Map<string, string[]>();
      const signed = (channelId: string, inner: string): void => {
        signedInners.set(channelId, [...(signedInners.get(channelId) ?? []), inner]);
      };
      for (let i = 0; i < REQUESTS; i += 1) {
        const { channel, target } = pick(targets);
        const channelMode = channel.enabled ? channel.encryptionMode : 'disabled';
        const inner = innerMessage();
        const valid = buildPush(target, inner.xml);
        signed(channel.channelId, inner.xml);
        let url = valid.url;
        let body: string | Buffer = valid.body;
        let mutated = true;
        let contentType: string | undefined = 'text/xml';
        const roll = random();
        if (roll < 0.1) {
          mutated = false;
        } else if (roll < 0.45) {
          body = mutateText(valid.body);
        } else if (roll < 0.65) {
          url = mutateUrl(valid.url);
        } else if (roll < 0.75) {
          url = mutateUrl(valid.url);
          body = mutateText(valid.body);
        } else if (roll < 0.85) {
          const junk = signedJunk(target);
          signed(channel.channelId, junk.inner);
          url = junk.url;
          body = junk.body;
        } else if (roll < 0.92) {
          body = Buffer.from(Array.from({ length: int(2_000) }, () => int(256)));
        } else {
          contentType = pick([
            undefined,
            'application/json',
            'multipart/form-data; boundary=x',
            'text/xml; charset=gbk',
          ]);
          if (contentType === 'application/json') {
            body = JSON.stringify({ xml: valid.body, __proto__: { polluted: true } });
          }
        }
        const method = mutated
          ? pick(['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'] as const)
          : 'POST';
        const response = await fastify.inject({
          method,
          url,
          payload: body,
          headers: contentType === undefined ? {} : { 'content-type': contentType },
        });
        if (response.statusCode >= 500) {
          serverErrors.push(
            `${response.statusCode} ${response.body.slice(0, 200)} for ${url.slice(0, 200)}`,
          );
        }
        sent.push({
          method,
          channelMode,
          mutated,
          status: response.statusCode,
          msgId: inner.msgId,
        });
      }

      expect(serverErrors).toEqual([]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      const acceptedPushes = sent.filter(isAcceptedPush).length;
      await waitFor(
        async () =>
          (await ingress.probe.queue(ingress.conversationQueue)).messageCount >= acceptedPushes,
        { description: `all ${acceptedPushes} accepted pushes in the queue` },
      );
      const published = await ingress.takePublished();
      const acceptedOnEnabled = sent.filter(isAcceptedPush);
      // Every published event is one that was answered success, and each is a valid contract event.
      expect(published).toHaveLength(acceptedOnEnabled.length);
      for (const envelope of published) {
        expect(() => parseEnvelope(envelope)).not.toThrow();
      }
      // On secure channels the whole message is signed: whatever was published, the channel's
      // key signed (a mutation after signing never gets through).
      const secure = channels[0];
      const secureInners = signedInners.get(secure.channelId) ?? [];
      for (const envelope of published.filter((e) => e.data['channelId'] === secure.channelId)) {
        const msgId = envelope.data['msgId'];
        if (typeof msgId === 'string') {
          expect(secureInners.some((inner) => inner.includes(`<MsgId>${msgId}</MsgId>`))).toBe(
            true,
          );
        }
      }
      const untouched = sent.filter((s) => !s.mutated && s.channelMode !== 'disabled');
      expect(untouched.every((s) => s.status === 200)).toBe(true);
      // The report a failure would want: how the requests were answered.
      const byStatus = sent.reduce<Record<number, number>>((counts, s) => {
        counts[s.status] = (counts[s.status] ?? 0) + 1;
        return counts;
      }, {});
      expect(
        Object.keys(byStatus)
          .map(Number)
          .every((status) => status < 500),
      ).toBe(true);
      expect(sent.length).toBeGreaterThanOrEqual(10_000);
    },
    TIMEOUT_MS,
  );
});
