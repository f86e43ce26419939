import { parseWechatXml } from '@wechat-desk/wechat/crypto';

import {
  imageMessage,
  linkMessage,
  locationMessage,
  randomMsgId,
  subscribeEvent,
  textMessage,
  unsubscribeEvent,
} from './messages';

const header = { toUserName: 'gh_97417a04a28d', fromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY' };

describe('push message builders', () => {
  describe(textMessage.name, () => {
    it('writes WeChat’s layout: CDATA strings, bare numbers, one child per line', () => {
      const xml = textMessage({
        ...header,
        content: 'hello',
        msgId: '7250021412600020992',
        createTime: 1714112445,
      });
      expect(xml).toBe(
        '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n' +
          '<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n' +
          '<CreateTime>1714112445</CreateTime>\n' +
          '<MsgType><![CDATA[text]]></MsgType>\n' +
          '<Content><![CDATA[hello]]></Content>\n' +
          '<MsgId>7250021412600020992</MsgId>\n' +
          '</xml>',
      );
    });

    it('keeps a 64-bit MsgId exact and round-trips awkward content', () => {
      const content = '你好 <b>&amp;</b> ]]> end\nline 2';
      const parsed = parseWechatXml(
        textMessage({ ...header, content, msgId: '18446744073709551615', createTime: 1 }),
      );
      expect(parsed).toEqual({
        ToUserName: header.toUserName,
        FromUserName: header.fromUserName,
        CreateTime: '1',
        MsgType: 'text',
        Content: content,
        MsgId: '18446744073709551615',
      });
      expect(Object.keys(parsed)).toEqual([
        'ToUserName',
        'FromUserName',
        'CreateTime',
        'MsgType',
        'Content',
        'MsgId',
      ]);
    });

    it('defaults CreateTime to the current unix second', () => {
      const before = Math.floor(Date.now() / 1000);
      const parsed = parseWechatXml(textMessage({ ...header, content: 'x', msgId: '1' }));
      const createTime = Number(parsed['CreateTime']);
      expect(createTime).toBeGreaterThanOrEqual(before);
      expect(createTime).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    });

    it.each(['', '12a', '1.5', '-1', '123456789012345678901'])('rejects msgId %j', (msgId) => {
      expect(() => textMessage({ ...header, content: 'x', msgId })).toThrow('msgId');
    });

    it('rejects a CreateTime that is not unix seconds', () => {
      expect(() => textMessage({ ...header, content: 'x', msgId: '1', createTime: 1.5 })).toThrow(
        'createTime',
      );
    });
  });

  it('builds image, location and link messages with their fields before MsgId', () => {
    const common = { ...header, msgId: '42', createTime: 1700000000 };
    expect(
      parseWechatXml(imageMessage({ ...common, picUrl: 'http://p/1.jpg', mediaId: 'm1' })),
    ).toEqual({
      ...expectedHeader('image'),
      PicUrl: 'http://p/1.jpg',
      MediaId: 'm1',
      MsgId: '42',
    });
    const location = locationMessage({
      ...common,
      latitude: 23.134521,
      longitude: 113.358803,
      scale: 20,
      label: '广州',
    });
    expect(location).toContain('<Location_X>23.134521</Location_X>');
    expect(parseWechatXml(location)).toEqual({
      ...expectedHeader('location'),
      Location_X: '23.134521',
      Location_Y: '113.358803',
      Scale: '20',
      Label: '广州',
      MsgId: '42',
    });
    expect(
      parseWechatXml(linkMessage({ ...common, title: 'T', description: 'D', url: 'https://x/y' })),
    ).toEqual({
      ...expectedHeader('link'),
      Title: 'T',
      Description: 'D',
      Url: 'https://x/y',
      MsgId: '42',
    });
  });

  it('builds subscribe and unsubscribe events without MsgId', () => {
    const common = { ...header, createTime: 1700000000 };
    expect(parseWechatXml(subscribeEvent(common))).toEqual({
      ...expectedHeader('event'),
      Event: 'subscribe',
      EventKey: '',
    });
    expect(
      parseWechatXml(subscribeEvent({ ...common, eventKey: 'qrscene_123', ticket: 'TICKET' })),
    ).toEqual({
      ...expectedHeader('event'),
      Event: 'subscribe',
      EventKey: 'qrscene_123',
      Ticket: 'TICKET',
    });
    expect(parseWechatXml(unsubscribeEvent(common))).toEqual({
      ...expectedHeader('event'),
      Event: 'unsubscribe',
      EventKey: '',
    });
  });

  it(`${randomMsgId.name} gives distinct 63-bit decimal strings`, () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomMsgId()));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^\d{1,19}$/);
      expect(BigInt(id) < 2n ** 63n).toBe(true);
    }
  });
});

function expectedHeader(msgType: string): Record<string, string> {
  return {
    ToUserName: header.toUserName,
    FromUserName: header.fromUserName,
    CreateTime: '1700000000',
    MsgType: msgType,
  };
}
