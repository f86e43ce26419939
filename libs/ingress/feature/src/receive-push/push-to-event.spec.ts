import { RoutingKeys } from '@wechat-desk/contracts';

import { InvalidPushError, pushToEvent } from './push-to-event';

const CHANNEL = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';
const header = {
  ToUserName: 'gh_0123456789ab',
  FromUserName: 'oUser123',
  CreateTime: '1764000000',
};

describe(pushToEvent.name, () => {
  it('makes a text message event with the 64-bit MsgId as its exact string', () => {
    const envelope = pushToEvent(CHANNEL, {
      ...header,
      MsgType: 'text',
      Content: 'hi',
      MsgId: '7250021412600020992',
    });
    expect(envelope.type).toBe(RoutingKeys.wechatMessageReceived);
    expect(envelope.data).toMatchObject({
      channelId: CHANNEL,
      openId: 'oUser123',
      createTime: 1764000000,
      msgId: '7250021412600020992',
      msgType: 'text',
      content: 'hi',
    });
  });

  it('makes an event with a dedupe key from channel, user, time, event and key', () => {
    const envelope = pushToEvent(CHANNEL, {
      ...header,
      MsgType: 'event',
      Event: 'subscribe',
      EventKey: 'qrscene_7',
    });
    expect(envelope.type).toBe(RoutingKeys.wechatEventReceived);
    expect(envelope.data).toMatchObject({
      dedupeKey: `${CHANNEL}:oUser123:1764000000:subscribe:qrscene_7`,
    });
  });

  it.each([
    [{ ...header, MsgType: 'text', Content: 'no id' }, 'MsgId'],
    [
      { ToUserName: 'gh_0123456789ab', CreateTime: '1', MsgType: 'text', MsgId: '1' },
      'FromUserName',
    ],
    [{ ...header, CreateTime: 'soon', MsgType: 'text', MsgId: '1' }, 'CreateTime'],
    [{ ...header, MsgType: 'text', MsgId: '12345678901234567890123' }, 'msgId'],
  ])('refuses an invalid push with a clear reason (%#)', (fields, mentioned) => {
    expect(() => pushToEvent(CHANNEL, fields)).toThrow(InvalidPushError);
    expect(() => pushToEvent(CHANNEL, fields)).toThrow(mentioned);
  });
});
