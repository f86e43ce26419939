import {
  IsDefined,
  IsString,
  ValidateNested,
  validateSync,
  type ValidatorOptions,
} from 'class-validator';

import { seededRandom } from '@wechat-desk/shared/testing';

import { EventCatalogue, validateEventData } from './catalogue';
import { EventEnvelope } from './envelope';
import { wechatEventDedupeKey } from './events/wechat-inbound-events.v1';
import { compileValidator, fastValidator } from './fast-validation';
import { RoutingKeys, type RoutingKey } from './routing-keys';

const options: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };
type Plain = Record<string, unknown>;
type Contract = new () => object;

const uuid = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';
const header = {
  channelId: uuid,
  openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
  originalId: 'gh_97417a04a28d',
  createTime: 1714112445,
};
const msgId = '7250021412600020992';
const at = '2024-04-26T06:20:45.000Z';

function event(name: string, key = ''): Plain {
  return {
    ...header,
    event: name,
    dedupeKey: wechatEventDedupeKey(header.channelId, header.openId, header.createTime, name, key),
  };
}

const snapshot = {
  messageId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  channelId: uuid,
  direction: 'in',
  type: 'text',
  text: 'hello',
  sentAt: at,
};
const replyRef = {
  replyId: 'b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  ticketId: 'c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  channelId: uuid,
  openId: header.openId,
};

/** One valid payload per contract; `satisfies` keeps the table complete. */
const samples = {
  [RoutingKeys.channelUpdated]: {
    channelId: uuid,
    version: 3,
    name: 'Support',
    departmentId: 'd1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    enabled: true,
    encryptionMode: 'secure',
    replyPolicy: 'wechat-2023',
    appId: 'wx0123456789abcdef',
    originalId: 'gh_0123456789ab',
    sealedSecrets: 'sealed',
  },
  [RoutingKeys.wechatMessageText]: {
    ...header,
    msgId,
    msgType: 'text',
    content: '你好 👋',
    msgDataId: '12',
    idx: 1,
    bizMsgMenuId: '101',
  },
  [RoutingKeys.wechatMessageImage]: {
    ...header,
    msgId,
    msgType: 'image',
    picUrl: 'http://mmbiz.qpic.cn/mmbiz_jpg/x/0',
    mediaId: 'm1',
  },
  [RoutingKeys.wechatMessageVoice]: {
    ...header,
    msgId,
    msgType: 'voice',
    mediaId: 'm1',
    format: 'amr',
    mediaId16K: 'm16',
    recognition: '',
  },
  [RoutingKeys.wechatMessageVideo]: {
    ...header,
    msgId,
    msgType: 'video',
    mediaId: 'm1',
    thumbMediaId: 't1',
  },
  [RoutingKeys.wechatMessageShortVideo]: {
    ...header,
    msgId,
    msgType: 'shortvideo',
    mediaId: 'm1',
    thumbMediaId: 't1',
  },
  [RoutingKeys.wechatMessageLocation]: {
    ...header,
    msgId,
    msgType: 'location',
    latitude: 23.134521,
    longitude: 113.358803,
    scale: 20,
    label: '广州',
  },
  [RoutingKeys.wechatMessageLink]: {
    ...header,
    msgId,
    msgType: 'link',
    title: 'T',
    description: '',
    url: 'weixin://not-quite-a-url',
  },
  [RoutingKeys.wechatMessageOther]: {
    ...header,
    msgId,
    msgType: 'miniprogrampage',
    fields: { MsgType: 'miniprogrampage', Title: 'x' },
  },
  [RoutingKeys.wechatEventSubscribe]: {
    ...event('subscribe', 'qrscene_7'),
    qrScene: '7',
    ticket: 'T',
  },
  [RoutingKeys.wechatEventUnsubscribe]: event('unsubscribe'),
  [RoutingKeys.wechatEventScan]: { ...event('SCAN', '7'), sceneKey: '7', ticket: 'T' },
  [RoutingKeys.wechatEventLocation]: {
    ...event('LOCATION'),
    latitude: 23.137466,
    longitude: 113.352425,
    precision: 119.38504,
  },
  [RoutingKeys.wechatEventClick]: { ...event('CLICK', 'HELP'), eventKey: 'HELP' },
  [RoutingKeys.wechatEventView]: { ...event('VIEW', 'www.qq.com'), url: 'www.qq.com', menuId: '1' },
  [RoutingKeys.wechatEventScancodePush]: {
    ...event('scancode_push', '6'),
    eventKey: '6',
    scanType: 'qrcode',
    scanResult: '1',
  },
  [RoutingKeys.wechatEventScancodeWaitmsg]: {
    ...event('scancode_waitmsg', '6'),
    eventKey: '6',
    scanType: 'barcode',
    scanResult: '',
  },
  [RoutingKeys.wechatEventPicSysphoto]: {
    ...event('pic_sysphoto', '6'),
    eventKey: '6',
    count: 1,
    picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185'],
  },
  [RoutingKeys.wechatEventPicPhotoOrAlbum]: {
    ...event('pic_photo_or_album', '6'),
    eventKey: '6',
    count: 0,
    picMd5Sums: [],
  },
  [RoutingKeys.wechatEventPicWeixin]: {
    ...event('pic_weixin', '6'),
    eventKey: '6',
    count: 2,
    picMd5Sums: ['a', 'b'],
  },
  [RoutingKeys.wechatEventLocationSelect]: {
    ...event('location_select', '6'),
    eventKey: '6',
    latitude: 23,
    longitude: 113,
    scale: 15,
    label: '广州市海珠区客村艺苑路 106号',
    poiName: '',
  },
  [RoutingKeys.wechatEventKfCreateSession]: { ...event('kf_create_session'), kfAccount: 'a@b' },
  [RoutingKeys.wechatEventKfCloseSession]: { ...event('kf_close_session'), kfAccount: 'a@b' },
  [RoutingKeys.wechatEventKfSwitchSession]: {
    ...event('kf_switch_session'),
    fromKfAccount: 'a@b',
    toKfAccount: 'c@d',
  },
  [RoutingKeys.wechatEventTemplateSendJobFinish]: {
    ...event('TEMPLATESENDJOBFINISH', '200163836'),
    msgId: '200163836',
    status: 'success',
  },
  [RoutingKeys.wechatEventMassSendJobFinish]: {
    ...event('MASSSENDJOBFINISH', '1000001625'),
    msgId: '1000001625',
    status: 'err(30003)',
    totalCount: 10,
    filterCount: 9,
    sentCount: 8,
    errorCount: 2,
  },
  [RoutingKeys.wechatEventOther]: {
    ...event('view_miniprogram', 'pages/index'),
    eventKey: 'pages/index',
    fields: { Event: 'view_miniprogram', Nested: { item: [{ A: '1' }] } },
  },
  [RoutingKeys.conversationMessageRecorded]: {
    ...snapshot,
    contactId: 'e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    openId: header.openId,
    wechatMsgId: msgId,
  },
  [RoutingKeys.ticketSettingsUpdated]: {
    departmentId: 'd1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    channelId: uuid,
    conversionTimerMinutes: 1440,
    version: 1,
  },
  [RoutingKeys.ticketCreated]: {
    ticketId: replyRef.ticketId,
    number: 7,
    channelId: uuid,
    departmentId: 'd1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    contactId: 'e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    openId: header.openId,
    status: 'open',
    createdAt: at,
  },
  [RoutingKeys.ticketMessageAdded]: { ...snapshot, ticketId: replyRef.ticketId },
  [RoutingKeys.outboundReplyRequested]: {
    ...replyRef,
    agentId: 'f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    type: 'text',
    text: 'On it',
    requestedAt: at,
  },
  [RoutingKeys.outboundReplySent]: { ...replyRef, sentAt: at },
  [RoutingKeys.outboundReplyFailed]: {
    ...replyRef,
    code: 'WECHAT_REFUSED',
    message: 'refused',
    wechatErrcode: 45015,
    failedAt: at,
  },
} satisfies Record<RoutingKey, Plain>;

const envelopeSample: Plain = {
  id: uuid,
  type: RoutingKeys.wechatMessageText,
  occurredAt: at,
  correlationId: uuid,
  causationId: 'cause',
  data: { ...samples[RoutingKeys.wechatMessageText] },
};

const contracts: Array<[string, Contract, Plain]> = [
  ...Object.entries(samples).map(([key, sample]): [string, Contract, Plain] => [
    key,
    EventCatalogue[key as RoutingKey],
    sample,
  ]),
  ['envelope', EventEnvelope, envelopeSample],
];

const valuesSeenInSamples = [
  ...new Set(contracts.flatMap(([, , sample]) => Object.values(sample))),
];

/** Values of every kind, with the edge cases of each rule in the catalogue. */
function oddValues(current: unknown): unknown[] {
  const text = typeof current === 'string' ? current : String(current);
  return [
    null,
    undefined,
    '',
    ' ',
    'x',
    'a'.repeat(64),
    'a'.repeat(65),
    'a'.repeat(257),
    'a'.repeat(1_025),
    'a'.repeat(4_097),
    'a'.repeat(20_001),
    '😀'.repeat(30),
    0,
    -0,
    -1,
    1,
    1.5,
    -90.5,
    90,
    180.0001,
    43_200,
    43_201,
    2 ** 53 + 2,
    1e21,
    NaN,
    Infinity,
    -Infinity,
    '1',
    '1.5',
    '1'.repeat(20),
    '1'.repeat(21),
    true,
    false,
    [],
    ['x'],
    [1],
    ['a'.repeat(65)],
    Array.from({ length: 101 }, () => 'a'),
    new Set(['a']),
    new Map([['a', 'b']]),
    {},
    { a: 'b' },
    { a: 1 },
    { a: { b: 'c' } },
    uuid.toUpperCase(),
    uuid.slice(1),
    '00000000-0000-0000-0000-000000000000',
    '2024-04-26',
    '2024-13-01T00:00:00Z',
    'not a date',
    `${text}\n`,
    `\n${text}`,
    `${text}x`,
    `x${text}`,
    `${text} `,
    text.toUpperCase(),
    text.toLowerCase(),
    text.slice(1),
    typeof current === 'number' ? String(current) : current,
    typeof current === 'number' ? -current : current,
    typeof current === 'number' ? current + 0.5 : current,
    typeof current === 'string' && /^\d+$/.test(current) ? Number(current) : current,
  ];
}

const unknownNames = ['chanelId', 'extra', 'MsgType', 'data2', '0', ''];

function mutate(sample: Plain, next: () => number): Plain {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const plain: Plain = { ...sample };
  const times = 1 + Math.floor(next() * 3);
  for (let i = 0; i < times; i++) {
    const keys = Object.keys(plain);
    const key = keys.length > 0 ? pick(keys) : 'x';
    const roll = next();
    if (roll < 0.1) {
      delete plain[key];
    } else if (roll < 0.15) {
      plain[pick(unknownNames)] = pick(['x', 1, null, undefined]);
    } else if (roll < 0.3) {
      plain[key] = pick(valuesSeenInSamples);
    } else if (roll < 0.4 && typeof plain[key] === 'object' && plain[key] !== null) {
      // Nested records (fields, data) and arrays (picMd5Sums).
      const nested = plain[key];
      plain[key] = Array.isArray(nested)
        ? [...(nested as unknown[]), pick(oddValues('a'))]
        : { ...(nested as Plain), [pick(unknownNames)]: pick(oddValues('a')) };
    } else {
      plain[key] = pick(oddValues(plain[key]));
    }
  }
  return plain;
}

describe('fast validation', () => {
  it('compiles every contract, so the shortcut is used for all of them', () => {
    const notCompilable = contracts.flatMap(([key, cls]) => {
      const compiled = compileValidator(cls);
      return compiled.compilable ? [] : [`${key}: ${compiled.reason}`];
    });
    expect(notCompilable).toEqual([]);
  });

  it.each(contracts)('accepts the valid %s sample on the shortcut', (_key, cls, sample) => {
    const instance = Object.assign(new cls(), sample);
    expect(validateSync(instance, options)).toEqual([]);
    expect(fastValidator(cls)(instance)).toBe(true);
  });

  it.each(contracts)(
    'agrees with validateSync on 1500 random variants of %s',
    (key, cls, sample) => {
      const next = seededRandom([...key].reduce((hash, char) => hash * 31 + char.charCodeAt(0), 7));
      const disagreements: string[] = [];
      let valid = 0;
      for (let i = 0; i < 1_500; i++) {
        const plain = mutate(sample, next);
        const instance = Object.assign(new cls(), plain);
        const fast = fastValidator(cls)(instance);
        const slow = validateSync(instance, options).length === 0;
        if (fast !== slow) {
          disagreements.push(`fast ${fast}, validateSync ${slow}: ${show(plain)}`);
        }
        valid += slow ? 1 : 0;
      }
      expect(disagreements).toEqual([]);
      // Both verdicts were exercised.
      expect(valid).toBeGreaterThan(0);
      expect(valid).toBeLessThan(1_500);
    },
  );

  it.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])(
    'leaves a payload with a field named %s to validateSync',
    (name) => {
      const cls = EventCatalogue[RoutingKeys.wechatMessageText];
      // JSON.parse makes even `__proto__` an own field, as a parsed push would have it.
      const plain = {
        ...samples[RoutingKeys.wechatMessageText],
        ...(JSON.parse(`{"${name}":{}}`) as Plain),
      };
      const instance = Object.assign(new cls(), plain);
      expect(fastValidator(cls)(instance)).toBe(false);
    },
  );

  it('keeps the detailed problems for an invalid payload', () => {
    expect(() =>
      validateEventData(RoutingKeys.wechatMessageText, {
        ...samples[RoutingKeys.wechatMessageText],
        content: 1,
        chanelId: 'x',
      }),
    ).toThrow(
      'Message wechat.message.text.v1 breaks its contract: chanelId: property chanelId should not exist; content: content must be shorter than or equal to 20000 characters; content: content must be a string',
    );
  });

  it('never takes the shortcut for rules it does not mirror', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Nested {
      @ValidateNested()
      inner!: Inner;
    }
    class Defined {
      @IsDefined()
      value!: unknown;
    }
    class Grouped {
      @IsString({ groups: ['admin'] })
      name!: string;
    }
    class Each {
      @IsString({ each: true })
      names!: string[];
    }
    class Bare {
      name!: string;
    }
    expect(compileValidator(Nested)).toMatchObject({ compilable: false });
    expect(compileValidator(Defined)).toMatchObject({ compilable: false });
    expect(compileValidator(Grouped)).toMatchObject({ compilable: false });
    expect(compileValidator(Bare)).toMatchObject({ compilable: false });
    expect(fastValidator(Nested)(Object.assign(new Nested(), { inner: { name: 'x' } }))).toBe(
      false,
    );
    // `each` is mirrored: every item of an array, a Set or a Map.
    expect(compileValidator(Each)).toMatchObject({ compilable: true });
    for (const names of [['a'], new Set(['a']), new Map([['k', 'a']]), [], 'a', ['a', 1]]) {
      const instance = Object.assign(new Each(), { names });
      expect(fastValidator(Each)(instance)).toBe(validateSync(instance, options).length === 0);
    }
  });
});

function show(plain: Plain): string {
  return JSON.stringify(plain, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : value instanceof Set || value instanceof Map
        ? `${value.constructor.name}(${JSON.stringify([...value])})`
        : value === undefined
          ? 'undefined'
          : value,
  ).slice(0, 300);
}
