import { randomBytes } from 'node:crypto';

import { buildPush, randomNonce, textMessage, unixSeconds } from '@wechat-desk/wechat/push-client';

/** The channel the pushes are signed and encrypted for (secure mode). */
export interface BenchChannel {
  channelId: string;
  appId: string;
  originalId: string;
  token: string;
  encodingAesKey: string;
}

/** One push on the wire: the request path with its signed query, and the exact body bytes. */
export interface WirePush {
  path: string;
  body: Buffer;
  openId: string;
}

export interface PushSet {
  /** Unix seconds every push of the set is signed with. */
  timestamp: number;
  pushes: WirePush[];
  /** Sum of body sizes, for the report. */
  bodyBytes: number;
}

interface PushSpec {
  innerXml: string;
  openId: string;
  nonce: string;
  random: Buffer;
}

const PHRASES = [
  '你好，我的订单还没有收到，能帮我查一下物流吗？',
  '请问发票什么时候可以开好？公司抬头已经发过了。',
  '商品收到了，但是包装有破损，里面的杯子碎了一个。',
  '我想修改收货地址，改成上海市浦东新区张江路一百号。',
  '会员积分为什么少了两百分？上周还在的。',
  '退款申请已经提交三天了，还没有到账，麻烦处理一下。',
  '客服你好，这个型号还有蓝色的吗？想买两件送朋友。',
  '昨天下单的时候优惠券没有用上，可以补差价吗？',
];

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function openIdFor(index: number): string {
  const bytes = randomBytes(27);
  let id = 'o';
  for (const byte of bytes) {
    id += OPENID_ALPHABET[byte % OPENID_ALPHABET.length];
  }
  // Stable per index only within one run; the index keeps them apart.
  return `${id.slice(0, 22)}${String(index).padStart(6, '0')}`;
}

/**
 * N distinct text messages (CJK content, unique MsgId and nonce each) from a pool of customers. The
 * inner messages, nonces and 16-byte random prefixes are fixed once, so a set rebuilt with a
 * fresher timestamp does exactly the same work.
 */
export class PushGenerator {
  private readonly specs: PushSpec[] = [];

  constructor(
    private readonly channel: BenchChannel,
    count: number,
    customers = 500,
  ) {
    const openIds = Array.from({ length: Math.min(customers, count) }, (_, i) => openIdFor(i));
    const nonces = new Set<string>();
    const createTime = unixSeconds();
    // Sequential 64-bit-sized MsgIds: unique by construction, shaped like WeChat's (19 digits).
    const firstMsgId = 7_300_000_000_000_000_000n + BigInt(createTime) * 1_000_000n;
    for (let i = 0; i < count; i++) {
      let nonce = randomNonce();
      while (nonces.has(nonce)) {
        nonce = randomNonce();
      }
      nonces.add(nonce);
      const openId = openIds[i % openIds.length] ?? 'o';
      const phrase = PHRASES[i % PHRASES.length] ?? '';
      this.specs.push({
        innerXml: textMessage({
          toUserName: channel.originalId,
          fromUserName: openId,
          createTime: createTime - (count - i),
          msgId: (firstMsgId + BigInt(i)).toString(),
          content: `${phrase}（第${i + 1}条）`,
        }),
        openId,
        nonce,
        random: randomBytes(16),
      });
    }
  }

  get count(): number {
    return this.specs.length;
  }

  /** Every push signed with `timestamp` (unix seconds, default now). */
  build(timestamp: number = unixSeconds()): PushSet {
    let bodyBytes = 0;
    const pushes = this.specs.map((spec): WirePush => {
      const built = buildPush(
        {
          callbackUrl: `http://127.0.0.1/wechat/${this.channel.channelId}`,
          token: this.channel.token,
          mode: 'secure',
          encodingAesKey: this.channel.encodingAesKey,
          appId: this.channel.appId,
          openId: spec.openId,
          originalId: this.channel.originalId,
        },
        spec.innerXml,
        { timestamp: String(timestamp), nonce: spec.nonce, random: spec.random },
      );
      const url = new URL(built.url);
      const body = Buffer.from(built.body, 'utf8');
      bodyBytes += body.length;
      return { path: `${url.pathname}${url.search}`, body, openId: spec.openId };
    });
    return { timestamp, pushes, bodyBytes };
  }
}
