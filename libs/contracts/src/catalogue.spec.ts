import {
  ContractViolationError,
  EventCatalogue,
  parseEnvelope,
  validateEventData,
} from './catalogue';
import { createEnvelope } from './envelope';
import { wechatEventDedupeKey } from './events/wechat-inbound-events.v1';
import {
  ALL_ROUTING_KEYS,
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  type InboundMessageRoutingKey,
  ROUTING_KEY_PATTERN,
  RoutingKeys,
  type RoutingKey,
  WECHAT_EVENT_KEYS,
  WECHAT_MESSAGE_TYPE_KEYS,
} from './routing-keys';
import { CONTRACT_SAMPLES } from './test-support/contract-samples';

const header = {
  channelId: '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
  openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
  originalId: 'gh_97417a04a28d',
  createTime: 1714112445,
};
const msgId = '7250021412600020992';

const message = { ...header, msgId, msgType: 'text', content: '你好 👋' };

/** One valid payload per inbound key, from the samples every contract spec shares. */
function samplesFor<K extends RoutingKey>(keys: readonly K[]): Pick<typeof CONTRACT_SAMPLES, K> {
  return Object.fromEntries(keys.map((key) => [key, CONTRACT_SAMPLES[key]])) as Pick<
    typeof CONTRACT_SAMPLES,
    K
  >;
}

const validMessages = samplesFor(INBOUND_MESSAGE_ROUTING_KEYS);

function event(name: string, key = ''): typeof header & { event: string; dedupeKey: string } {
  return {
    ...header,
    event: name,
    dedupeKey: wechatEventDedupeKey(header.channelId, header.openId, header.createTime, name, key),
  };
}

const validEvents = samplesFor(INBOUND_EVENT_ROUTING_KEYS);

const validInbound: Array<[string, object]> = [
  ...Object.entries(validMessages),
  ...Object.entries(validEvents),
];

describe('routing keys', () => {
  it('has a versioned contract class for every routing key', () => {
    expect(Object.keys(EventCatalogue).sort()).toEqual([...ALL_ROUTING_KEYS].sort());
    for (const key of ALL_ROUTING_KEYS) {
      expect(key).toMatch(ROUTING_KEY_PATTERN);
    }
  });

  it('names inbound keys mechanically after WeChat’s MsgType and Event, lowercased', () => {
    for (const [msgType, key] of Object.entries(WECHAT_MESSAGE_TYPE_KEYS)) {
      expect(key).toBe(`wechat.message.${msgType}.v1`);
    }
    for (const [name, key] of Object.entries(WECHAT_EVENT_KEYS)) {
      expect(key).toBe(`wechat.event.${name.toLowerCase()}.v1`);
    }
    expect(INBOUND_MESSAGE_ROUTING_KEYS).toHaveLength(8);
    expect(INBOUND_EVENT_ROUTING_KEYS).toHaveLength(18);
    expect(INBOUND_MESSAGE_ROUTING_KEYS).toContain('wechat.message.other.v1');
    expect(INBOUND_EVENT_ROUTING_KEYS).toContain('wechat.event.other.v1');
    const inbound = [...INBOUND_MESSAGE_ROUTING_KEYS, ...INBOUND_EVENT_ROUTING_KEYS];
    expect(new Set(inbound).size).toBe(inbound.length);
    expect(ALL_ROUTING_KEYS.filter((key) => key.startsWith('wechat.')).sort()).toEqual(
      inbound.sort(),
    );
  });

  it('joins an event dedupe key from channel, user, time, event and key', () => {
    expect(wechatEventDedupeKey('c', 'o', 1, 'subscribe', 'qrscene_7')).toBe(
      'c:o:1:subscribe:qrscene_7',
    );
  });
});

describe(validateEventData.name, () => {
  it.each(validInbound)('accepts a valid %s and keeps it as it was', (key, payload) => {
    const validated = validateEventData(key as InboundMessageRoutingKey, payload);
    expect(validated).toBeInstanceOf(EventCatalogue[key as InboundMessageRoutingKey]);
    expect({ ...validated }).toEqual(payload);
  });

  it.each(validInbound)('refuses an unknown field on %s', (key, payload) => {
    expect(() =>
      validateEventData(key as InboundMessageRoutingKey, { ...payload, chanelId: 'x' }),
    ).toThrow(/chanelId: property chanelId should not exist/);
  });

  it.each(validInbound)('refuses %s without its header', (key, payload) => {
    const withoutOpenId: Record<string, unknown> = { ...payload };
    delete withoutOpenId['openId'];
    expect(() => validateEventData(key as InboundMessageRoutingKey, withoutOpenId)).toThrow(
      /openId/,
    );
  });

  it('keeps a 64-bit MsgId as its exact string', () => {
    const payload = validateEventData(RoutingKeys.wechatMessageText, message);
    expect(payload.msgId).toBe('7250021412600020992');
    expect(payload.content).toBe('你好 👋');
  });

  it.each([
    [
      'a numeric msgId',
      RoutingKeys.wechatMessageText,
      { ...message, msgId: 7250021412600020992 },
      /msgId/,
    ],
    [
      'a msgId of 21 digits',
      RoutingKeys.wechatMessageText,
      { ...message, msgId: '1'.repeat(21) },
      /msgId/,
    ],
    ['another msgType', RoutingKeys.wechatMessageText, { ...message, msgType: 'image' }, /msgType/],
    [
      'content that is not text',
      RoutingKeys.wechatMessageText,
      { ...message, content: 1 },
      /content/,
    ],
    [
      'a text message without content',
      RoutingKeys.wechatMessageText,
      { ...header, msgId, msgType: 'text' },
      /content/,
    ],
    [
      'an empty mediaId',
      RoutingKeys.wechatMessageImage,
      { ...validMessages['wechat.message.image.v1'], mediaId: '' },
      /mediaId/,
    ],
    [
      'a latitude out of range',
      RoutingKeys.wechatMessageLocation,
      { ...validMessages['wechat.message.location.v1'], latitude: 91 },
      /latitude/,
    ],
    [
      'a latitude given as text',
      RoutingKeys.wechatMessageLocation,
      { ...validMessages['wechat.message.location.v1'], latitude: '23.1' },
      /latitude/,
    ],
    [
      'a scale that is not finite',
      RoutingKeys.wechatMessageLocation,
      { ...validMessages['wechat.message.location.v1'], scale: Infinity },
      /scale/,
    ],
    [
      'other fields that are not all text',
      RoutingKeys.wechatMessageOther,
      { ...validMessages['wechat.message.other.v1'], fields: { A: { B: 'x' } } },
      /fields must be an object of strings/,
    ],
    [
      'an uppercase other msgType',
      RoutingKeys.wechatMessageOther,
      { ...validMessages['wechat.message.other.v1'], msgType: 'File' },
      /msgType/,
    ],
  ])('refuses %s', (_what, key, payload, problem) => {
    expect(() => validateEventData(key, payload)).toThrow(ContractViolationError);
    expect(() => validateEventData(key, payload)).toThrow(problem);
  });

  it.each([
    [
      'an event of another name',
      RoutingKeys.wechatEventScan,
      { ...validEvents['wechat.event.scan.v1'], event: 'scan' },
      /event/,
    ],
    ['a SCAN without sceneKey', RoutingKeys.wechatEventScan, event('SCAN'), /sceneKey/],
    [
      'an event without dedupeKey',
      RoutingKeys.wechatEventUnsubscribe,
      { ...header, event: 'unsubscribe' },
      /dedupeKey/,
    ],
    [
      'a fractional count',
      RoutingKeys.wechatEventPicWeixin,
      { ...validEvents['wechat.event.pic_weixin.v1'], count: 1.5 },
      /count/,
    ],
    [
      'picMd5Sums that are not text',
      RoutingKeys.wechatEventPicWeixin,
      { ...validEvents['wechat.event.pic_weixin.v1'], picMd5Sums: [{ PicMd5Sum: 'a' }] },
      /picMd5Sums/,
    ],
    [
      'a numeric job MsgID',
      RoutingKeys.wechatEventTemplateSendJobFinish,
      { ...validEvents['wechat.event.templatesendjobfinish.v1'], msgId: 200163836 },
      /msgId/,
    ],
    [
      'a negative count',
      RoutingKeys.wechatEventMassSendJobFinish,
      { ...validEvents['wechat.event.masssendjobfinish.v1'], errorCount: -1 },
      /errorCount/,
    ],
    [
      'a NaN precision',
      RoutingKeys.wechatEventLocation,
      { ...validEvents['wechat.event.location.v1'], precision: NaN },
      /precision/,
    ],
    [
      'an empty kfAccount',
      RoutingKeys.wechatEventKfCreateSession,
      { ...validEvents['wechat.event.kf_create_session.v1'], kfAccount: '' },
      /kfAccount/,
    ],
    [
      'other fields that are not an object',
      RoutingKeys.wechatEventOther,
      { ...validEvents['wechat.event.other.v1'], fields: 'x' },
      /fields/,
    ],
  ])('refuses %s', (_what, key, payload, problem) => {
    expect(() => validateEventData(key, payload)).toThrow(ContractViolationError);
    expect(() => validateEventData(key, payload)).toThrow(problem);
  });

  it('refuses non-objects', () => {
    expect(() => validateEventData(RoutingKeys.ticketCreated, 'ticket')).toThrow('not an object');
  });

  describe('ticket.created.v1 carries the message that opened the ticket', () => {
    const created = CONTRACT_SAMPLES[RoutingKeys.ticketCreated];

    it('accepts it with or without text', () => {
      expect({ ...validateEventData(RoutingKeys.ticketCreated, created) }).toEqual(created);
      const withoutText: Record<string, unknown> = { ...created };
      delete withoutText['firstMessageText'];
      expect({ ...validateEventData(RoutingKeys.ticketCreated, withoutText) }).toEqual(withoutText);
    });

    it.each(['firstMessageId', 'firstMessageType', 'firstMessageSentAt'])(
      'refuses it without %s',
      (field) => {
        const payload: Record<string, unknown> = { ...created };
        delete payload[field];
        expect(() => validateEventData(RoutingKeys.ticketCreated, payload)).toThrow(field);
      },
    );

    it.each([
      ['firstMessageId', 'not-a-uuid'],
      ['firstMessageType', 'Text'],
      ['firstMessageText', 1],
      ['firstMessageSentAt', 'yesterday'],
    ])('refuses a bad %s', (field, value) => {
      expect(() =>
        validateEventData(RoutingKeys.ticketCreated, { ...created, [field]: value }),
      ).toThrow(field);
    });
  });

  describe('outbound.reply.requested.v1 carries a text or a file', () => {
    const text = CONTRACT_SAMPLES[RoutingKeys.outboundReplyRequested];
    const file = {
      attachmentBlobKey: 'outbound/replies/b1b2c3d4',
      attachmentMimeType: 'image/png',
      attachmentSize: 2048,
      attachmentFileName: 'photo.png',
    };
    const withoutText: Record<string, unknown> = { ...text };
    delete withoutText['text'];

    it('accepts a text, an image without words and a document with its link', () => {
      expect({ ...validateEventData(RoutingKeys.outboundReplyRequested, text) }).toEqual(text);
      const image = { ...withoutText, type: 'image', ...file };
      expect({ ...validateEventData(RoutingKeys.outboundReplyRequested, image) }).toEqual(image);
      const document = {
        ...text,
        type: 'document',
        ...file,
        attachmentMimeType: 'application/pdf',
        documentUrl: 'https://files.example.com/files/abc?expires=1&signature=x',
      };
      expect({ ...validateEventData(RoutingKeys.outboundReplyRequested, document) }).toEqual(
        document,
      );
    });

    it('refuses a text without words', () => {
      expect(() => validateEventData(RoutingKeys.outboundReplyRequested, withoutText)).toThrow(
        'text',
      );
    });

    it.each(Object.keys(file))('refuses an image without %s', (field) => {
      const image: Record<string, unknown> = { ...withoutText, type: 'image', ...file };
      delete image[field];
      expect(() => validateEventData(RoutingKeys.outboundReplyRequested, image)).toThrow(field);
    });

    it('refuses a document without its link', () => {
      const document = { ...withoutText, type: 'document', ...file };
      expect(() => validateEventData(RoutingKeys.outboundReplyRequested, document)).toThrow(
        'documentUrl',
      );
    });
  });
});

describe(parseEnvelope.name, () => {
  it('round-trips an envelope through JSON', () => {
    const envelope = createEnvelope(RoutingKeys.wechatMessageText, message);
    const parsed = parseEnvelope(JSON.parse(JSON.stringify(envelope)));
    expect(parsed).toMatchObject({ id: envelope.id, type: envelope.type, data: message });
    expect(parsed.correlationId).toBe(envelope.id);
  });

  it('accepts keys with WeChat’s underscores', () => {
    const envelope = createEnvelope(
      RoutingKeys.wechatEventKfSwitchSession,
      validEvents['wechat.event.kf_switch_session.v1'],
    );
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope))).type).toBe(
      'wechat.event.kf_switch_session.v1',
    );
  });

  it('refuses an unknown type', () => {
    const envelope = {
      ...createEnvelope(RoutingKeys.ticketCreated, {}),
      type: 'ticket.deleted.v1',
    };
    expect(() => parseEnvelope(envelope)).toThrow('unknown message type');
  });

  it('refuses the retired generic inbound keys', () => {
    const envelope = {
      ...createEnvelope(RoutingKeys.wechatMessageText, message),
      type: 'wechat.inbound.message.v1',
    };
    expect(() => parseEnvelope(envelope)).toThrow('unknown message type');
  });

  it('refuses an envelope whose payload breaks its contract', () => {
    const envelope = createEnvelope(RoutingKeys.ticketCreated, { ticketId: 'nope' });
    expect(() => parseEnvelope(envelope)).toThrow(/ticketId/);
  });

  it.each(['hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', '__lookupGetter__'])(
    'refuses a field named like an Object.prototype member (%s), which class-validator lets through',
    (name) => {
      const payload = JSON.parse(JSON.stringify({ ...message, [name]: 'x' })) as object;
      expect(() => validateEventData(RoutingKeys.wechatMessageText, payload)).toThrow(
        `${name}: property ${name} should not exist`,
      );
    },
  );
});
