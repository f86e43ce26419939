import { parseWechatXml } from '@wechat-desk/wechat/crypto';

import {
  clickEvent,
  imageMessage,
  kfCloseSessionEvent,
  kfCreateSessionEvent,
  kfSwitchSessionEvent,
  linkMessage,
  locationEvent,
  locationMessage,
  locationSelectEvent,
  massSendJobFinishEvent,
  picPhotoOrAlbumEvent,
  picSysphotoEvent,
  picWeixinEvent,
  randomMsgId,
  scancodePushEvent,
  scancodeWaitmsgEvent,
  scanEvent,
  shortVideoMessage,
  subscribeEvent,
  templateSendJobFinishEvent,
  textMessage,
  unknownEvent,
  unknownMessage,
  unsubscribeEvent,
  videoMessage,
  viewEvent,
  voiceMessage,
} from './messages';
import { bare } from './xml';

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

  it('writes the article and menu fields of a text message after MsgId', () => {
    const xml = textMessage({
      ...header,
      content: '满意',
      msgId: '42',
      createTime: 1700000000,
      msgDataId: '2247483652',
      idx: 1,
      bizMsgMenuId: '101',
    });
    expect(xml).toContain(
      '<MsgId>42</MsgId>\n<MsgDataId>2247483652</MsgDataId>\n<Idx>1</Idx>\n<bizmsgmenuid>101</bizmsgmenuid>\n</xml>',
    );
    expect(textMessage({ ...header, content: 'x', msgId: '1', bizMsgMenuId: 'yes' })).toContain(
      '<bizmsgmenuid><![CDATA[yes]]></bizmsgmenuid>',
    );
  });

  it('builds voice, video and short video messages', () => {
    const common = { ...header, msgId: '42', createTime: 1700000000 };
    expect(voiceMessage({ ...common, mediaId: 'm1', format: 'amr' })).toBe(
      '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n' +
        '<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n' +
        '<CreateTime>1700000000</CreateTime>\n' +
        '<MsgType><![CDATA[voice]]></MsgType>\n' +
        '<MediaId><![CDATA[m1]]></MediaId>\n' +
        '<Format><![CDATA[amr]]></Format>\n' +
        '<MsgId>42</MsgId>\n' +
        '</xml>',
    );
    expect(
      parseWechatXml(
        voiceMessage({
          ...common,
          mediaId: 'm1',
          format: 'speex',
          mediaId16K: 'm16',
          recognition: '',
        }),
      ),
    ).toEqual({
      ...expectedHeader('voice'),
      MediaId: 'm1',
      Format: 'speex',
      Recognition: '',
      MsgId: '42',
      MediaId16K: 'm16',
    });
    for (const [build, msgType] of [
      [videoMessage, 'video'],
      [shortVideoMessage, 'shortvideo'],
    ] as const) {
      expect(parseWechatXml(build({ ...common, mediaId: 'm1', thumbMediaId: 't1' }))).toEqual({
        ...expectedHeader(msgType),
        MediaId: 'm1',
        ThumbMediaId: 't1',
        MsgId: '42',
      });
    }
  });

  it('builds SCAN, LOCATION, CLICK and VIEW events', () => {
    const common = { ...header, createTime: 1700000000 };
    expect(scanEvent({ ...common, eventKey: '123', ticket: 'TICKET' })).toContain(
      '<Event><![CDATA[SCAN]]></Event>\n<EventKey><![CDATA[123]]></EventKey>\n<Ticket><![CDATA[TICKET]]></Ticket>\n</xml>',
    );
    expect(
      locationEvent({
        ...common,
        latitude: 23.137466,
        longitude: 113.352425,
        precision: 119.38504,
      }),
    ).toContain(
      '<Event><![CDATA[LOCATION]]></Event>\n<Latitude>23.137466</Latitude>\n<Longitude>113.352425</Longitude>\n<Precision>119.38504</Precision>\n',
    );
    expect(parseWechatXml(clickEvent({ ...common, eventKey: 'HELP' }))).toEqual({
      ...expectedHeader('event'),
      Event: 'CLICK',
      EventKey: 'HELP',
    });
    expect(viewEvent({ ...common, url: 'http://www.qq.com', menuId: '208379533' })).toContain(
      '<EventKey><![CDATA[http://www.qq.com]]></EventKey>\n<MenuId>208379533</MenuId>\n',
    );
  });

  it('nests ScanCodeInfo, SendPicsInfo and SendLocationInfo like WeChat', () => {
    const common = { ...header, createTime: 1700000000, eventKey: '6' };
    expect(scancodePushEvent({ ...common, scanType: 'qrcode', scanResult: '1' })).toContain(
      '<EventKey><![CDATA[6]]></EventKey>\n<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>\n',
    );
    expect(
      parseWechatXml(
        scancodeWaitmsgEvent({ ...common, scanType: 'barcode', scanResult: 'EAN_13,1' }),
      ),
    ).toMatchObject({ Event: 'scancode_waitmsg', ScanCodeInfo: { ScanType: 'barcode' } });
    expect(
      picSysphotoEvent({ ...common, picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185'] }),
    ).toContain(
      '<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo>',
    );
    expect(
      parseWechatXml(picPhotoOrAlbumEvent({ ...common, picMd5Sums: ['a', 'b'] })),
    ).toMatchObject({
      Event: 'pic_photo_or_album',
      SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } },
    });
    expect(parseWechatXml(picWeixinEvent({ ...common, picMd5Sums: [] }))).toMatchObject({
      Event: 'pic_weixin',
      SendPicsInfo: { Count: '0', PicList: '' },
    });
    expect(
      locationSelectEvent({
        ...common,
        latitude: 23,
        longitude: 113,
        scale: 15,
        label: '广州',
        poiName: '',
      }),
    ).toContain(
      '<SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>',
    );
  });

  it('builds the customer-service session events', () => {
    const common = { ...header, createTime: 1700000000 };
    expect(parseWechatXml(kfCreateSessionEvent({ ...common, kfAccount: 'test1@test' }))).toEqual({
      ...expectedHeader('event'),
      Event: 'kf_create_session',
      KfAccount: 'test1@test',
    });
    expect(
      parseWechatXml(kfCloseSessionEvent({ ...common, kfAccount: 'test1@test' })),
    ).toMatchObject({
      Event: 'kf_close_session',
    });
    expect(
      parseWechatXml(
        kfSwitchSessionEvent({ ...common, fromKfAccount: 'test1@test', toKfAccount: 'test2@test' }),
      ),
    ).toMatchObject({ FromKfAccount: 'test1@test', ToKfAccount: 'test2@test' });
  });

  it('builds the send-job events with a bare MsgID', () => {
    const common = { ...header, createTime: 1700000000 };
    expect(
      templateSendJobFinishEvent({ ...common, msgId: '200163836', status: 'failed:user block' }),
    ).toContain(
      '<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>\n<MsgID>200163836</MsgID>\n<Status><![CDATA[failed:user block]]></Status>\n',
    );
    expect(
      parseWechatXml(
        massSendJobFinishEvent({
          ...common,
          msgId: '1000001625',
          status: 'err(30003)',
          totalCount: 10,
          filterCount: 9,
          sentCount: 8,
          errorCount: 1,
        }),
      ),
    ).toEqual({
      ...expectedHeader('event'),
      Event: 'MASSSENDJOBFINISH',
      MsgID: '1000001625',
      Status: 'err(30003)',
      TotalCount: '10',
      FilterCount: '9',
      SentCount: '8',
      ErrorCount: '1',
    });
    expect(() => templateSendJobFinishEvent({ ...common, msgId: 'x', status: 's' })).toThrow(
      'msgId',
    );
  });

  it('builds unknown messages and events with any elements', () => {
    const common = { ...header, createTime: 1700000000 };
    expect(
      parseWechatXml(
        unknownMessage({ ...common, msgId: '7', msgType: 'file', elements: [['Title', 'a.pdf']] }),
      ),
    ).toEqual({ ...expectedHeader('file'), Title: 'a.pdf', MsgId: '7' });
    expect(
      parseWechatXml(
        unknownEvent({
          ...common,
          event: 'view_miniprogram',
          elements: [
            ['EventKey', 'pages/index/index'],
            ['MenuId', bare(3)],
          ],
        }),
      ),
    ).toEqual({
      ...expectedHeader('event'),
      Event: 'view_miniprogram',
      EventKey: 'pages/index/index',
      MenuId: '3',
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
