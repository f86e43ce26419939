import {
  ContractViolationError,
  EventCatalogue,
  parseEnvelope,
  validateEventData,
} from './catalogue';
import { createEnvelope } from './envelope';
import { ALL_ROUTING_KEYS, RoutingKeys } from './routing-keys';

const message = {
  channelId: '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10',
  openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
  originalId: 'gh_97417a04a28d',
  createTime: 1714112445,
  msgId: '7250021412600020992',
  msgType: 'text',
  content: '你好 👋',
  fields: { Content: '你好 👋' },
};

describe('EventCatalogue', () => {
  it('has a versioned contract class for every routing key', () => {
    expect(Object.keys(EventCatalogue).sort()).toEqual([...ALL_ROUTING_KEYS].sort());
    for (const key of ALL_ROUTING_KEYS) {
      expect(key).toMatch(/^[a-z]+(\.[a-z]+)*\.v\d+$/);
    }
  });
});

describe(validateEventData.name, () => {
  it('accepts a valid payload and keeps a 64-bit MsgId as its exact string', () => {
    const payload = validateEventData(RoutingKeys.wechatMessageReceived, message);
    expect(payload.msgId).toBe('7250021412600020992');
    expect(payload.content).toBe('你好 👋');
  });

  it('refuses a numeric MsgId, naming the field', () => {
    expect(() =>
      validateEventData(RoutingKeys.wechatMessageReceived, {
        ...message,
        msgId: 7250021412600020992,
      }),
    ).toThrow(/msgId/);
  });

  it('refuses unknown fields so a typo cannot pass silently', () => {
    expect(() =>
      validateEventData(RoutingKeys.wechatMessageReceived, { ...message, chanelId: 'x' }),
    ).toThrow(ContractViolationError);
  });

  it('refuses non-objects', () => {
    expect(() => validateEventData(RoutingKeys.ticketCreated, 'ticket')).toThrow('not an object');
  });
});

describe(parseEnvelope.name, () => {
  it('round-trips an envelope through JSON', () => {
    const envelope = createEnvelope(RoutingKeys.wechatMessageReceived, message);
    const parsed = parseEnvelope(JSON.parse(JSON.stringify(envelope)));
    expect(parsed).toMatchObject({ id: envelope.id, type: envelope.type, data: message });
    expect(parsed.correlationId).toBe(envelope.id);
  });

  it('refuses an unknown type', () => {
    const envelope = {
      ...createEnvelope(RoutingKeys.ticketCreated, {}),
      type: 'ticket.deleted.v1',
    };
    expect(() => parseEnvelope(envelope)).toThrow('unknown message type');
  });

  it('refuses an envelope whose payload breaks its contract', () => {
    const envelope = createEnvelope(RoutingKeys.ticketCreated, { ticketId: 'nope' });
    expect(() => parseEnvelope(envelope)).toThrow(/ticketId/);
  });
});
