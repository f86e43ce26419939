import {
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  parseEnvelope,
  RoutingKeys,
  type RoutingKey,
} from '@wechat-desk/contracts';
import { parseWechatXml, type WechatXmlObject } from '@wechat-desk/wechat/crypto';
import {
  bare,
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
} from '@wechat-desk/wechat/push-client';

import { InvalidPushError, pushToEvent } from './push-to-event';

const CHANNEL = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';
const OPEN_ID = 'oUser123';
const CREATE_TIME = 1764000000;
/** Above 2^53: a JavaScript number would round it. */
const BIG_MSG_ID = '7250021412600020992';

const from = { toUserName: 'gh_0123456789ab', fromUserName: OPEN_ID, createTime: CREATE_TIME };
const message = { ...from, msgId: BIG_MSG_ID };
const menu = { ...from, eventKey: 'rselfmenu_0_1' };

const header = {
  channelId: CHANNEL,
  openId: OPEN_ID,
  originalId: 'gh_0123456789ab',
  createTime: CREATE_TIME,
};

function dedupeKey(event: string, key = ''): string {
  return `${CHANNEL}:${OPEN_ID}:${CREATE_TIME}:${event}:${key}`;
}

/** Every push the simulator can build, the key it must travel under and its exact payload. */
const cases: Array<[name: string, xml: string, key: RoutingKey, data: object]> = [
  [
    'text',
    textMessage({ ...message, content: '你好 <b>&amp;</b>' }),
    RoutingKeys.wechatMessageText,
    { msgId: BIG_MSG_ID, msgType: 'text', content: '你好 <b>&amp;</b>' },
  ],
  [
    'text from an article, with a menu choice',
    textMessage({
      ...message,
      content: '满意',
      msgDataId: '2247483652',
      idx: 1,
      bizMsgMenuId: '101',
    }),
    RoutingKeys.wechatMessageText,
    {
      msgId: BIG_MSG_ID,
      msgType: 'text',
      content: '满意',
      msgDataId: '2247483652',
      idx: 1,
      bizMsgMenuId: '101',
    },
  ],
  [
    'image',
    imageMessage({ ...message, picUrl: 'http://mmbiz.qpic.cn/x/0', mediaId: 'm1' }),
    RoutingKeys.wechatMessageImage,
    { msgId: BIG_MSG_ID, msgType: 'image', picUrl: 'http://mmbiz.qpic.cn/x/0', mediaId: 'm1' },
  ],
  [
    'voice',
    voiceMessage({ ...message, mediaId: 'm1', format: 'amr' }),
    RoutingKeys.wechatMessageVoice,
    { msgId: BIG_MSG_ID, msgType: 'voice', mediaId: 'm1', format: 'amr' },
  ],
  [
    'voice with 16 kHz copy and an empty recognition',
    voiceMessage({
      ...message,
      mediaId: 'm1',
      format: 'speex',
      mediaId16K: 'm16',
      recognition: '',
    }),
    RoutingKeys.wechatMessageVoice,
    {
      msgId: BIG_MSG_ID,
      msgType: 'voice',
      mediaId: 'm1',
      format: 'speex',
      mediaId16K: 'm16',
      recognition: '',
    },
  ],
  [
    'video',
    videoMessage({ ...message, mediaId: 'm1', thumbMediaId: 't1' }),
    RoutingKeys.wechatMessageVideo,
    { msgId: BIG_MSG_ID, msgType: 'video', mediaId: 'm1', thumbMediaId: 't1' },
  ],
  [
    'shortvideo',
    shortVideoMessage({ ...message, mediaId: 'm1', thumbMediaId: 't1' }),
    RoutingKeys.wechatMessageShortVideo,
    { msgId: BIG_MSG_ID, msgType: 'shortvideo', mediaId: 'm1', thumbMediaId: 't1' },
  ],
  [
    'location',
    locationMessage({
      ...message,
      latitude: 23.134521,
      longitude: -113.358803,
      scale: 20,
      label: '',
    }),
    RoutingKeys.wechatMessageLocation,
    {
      msgId: BIG_MSG_ID,
      msgType: 'location',
      latitude: 23.134521,
      longitude: -113.358803,
      scale: 20,
      label: '',
    },
  ],
  [
    'link',
    linkMessage({ ...message, title: 'T', description: '', url: 'weixin://odd' }),
    RoutingKeys.wechatMessageLink,
    { msgId: BIG_MSG_ID, msgType: 'link', title: 'T', description: '', url: 'weixin://odd' },
  ],
  [
    'an unknown MsgType',
    unknownMessage({
      ...message,
      msgType: 'miniprogrampage',
      elements: [
        ['Title', 'a'],
        ['Nested', [['X', '1']]],
      ],
    }),
    RoutingKeys.wechatMessageOther,
    {
      msgId: BIG_MSG_ID,
      msgType: 'miniprogrampage',
      // Top-level text fields only, exactly as sent.
      fields: {
        ToUserName: 'gh_0123456789ab',
        FromUserName: OPEN_ID,
        CreateTime: String(CREATE_TIME),
        MsgType: 'miniprogrampage',
        Title: 'a',
        MsgId: BIG_MSG_ID,
      },
    },
  ],
  [
    'subscribe',
    subscribeEvent(from),
    RoutingKeys.wechatEventSubscribe,
    { event: 'subscribe', dedupeKey: dedupeKey('subscribe') },
  ],
  [
    'subscribe from a QR code',
    subscribeEvent({ ...from, eventKey: 'qrscene_123', ticket: 'TICKET' }),
    RoutingKeys.wechatEventSubscribe,
    {
      event: 'subscribe',
      dedupeKey: dedupeKey('subscribe', 'qrscene_123'),
      qrScene: '123',
      ticket: 'TICKET',
    },
  ],
  [
    'unsubscribe',
    unsubscribeEvent(from),
    RoutingKeys.wechatEventUnsubscribe,
    { event: 'unsubscribe', dedupeKey: dedupeKey('unsubscribe') },
  ],
  [
    'SCAN',
    scanEvent({ ...from, eventKey: '123', ticket: 'TICKET' }),
    RoutingKeys.wechatEventScan,
    { event: 'SCAN', dedupeKey: dedupeKey('SCAN', '123'), sceneKey: '123', ticket: 'TICKET' },
  ],
  [
    'LOCATION',
    locationEvent({ ...from, latitude: 23.137466, longitude: 113.352425, precision: 119.38504 }),
    RoutingKeys.wechatEventLocation,
    {
      event: 'LOCATION',
      dedupeKey: dedupeKey('LOCATION'),
      latitude: 23.137466,
      longitude: 113.352425,
      precision: 119.38504,
    },
  ],
  [
    'CLICK',
    clickEvent({ ...from, eventKey: 'HELP' }),
    RoutingKeys.wechatEventClick,
    { event: 'CLICK', dedupeKey: dedupeKey('CLICK', 'HELP'), eventKey: 'HELP' },
  ],
  [
    'VIEW',
    viewEvent({ ...from, url: 'http://www.qq.com/a?b=c', menuId: '208379533' }),
    RoutingKeys.wechatEventView,
    {
      event: 'VIEW',
      dedupeKey: dedupeKey('VIEW', 'http://www.qq.com/a?b=c'),
      url: 'http://www.qq.com/a?b=c',
      menuId: '208379533',
    },
  ],
  [
    'scancode_push',
    scancodePushEvent({ ...menu, scanType: 'qrcode', scanResult: 'http://x' }),
    RoutingKeys.wechatEventScancodePush,
    {
      event: 'scancode_push',
      dedupeKey: dedupeKey('scancode_push', menu.eventKey),
      eventKey: menu.eventKey,
      scanType: 'qrcode',
      scanResult: 'http://x',
    },
  ],
  [
    'scancode_waitmsg',
    scancodeWaitmsgEvent({ ...menu, scanType: 'barcode', scanResult: 'EAN_13,6901234567892' }),
    RoutingKeys.wechatEventScancodeWaitmsg,
    {
      event: 'scancode_waitmsg',
      dedupeKey: dedupeKey('scancode_waitmsg', menu.eventKey),
      eventKey: menu.eventKey,
      scanType: 'barcode',
      scanResult: 'EAN_13,6901234567892',
    },
  ],
  [
    'pic_sysphoto with one picture',
    picSysphotoEvent({ ...menu, picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185'] }),
    RoutingKeys.wechatEventPicSysphoto,
    {
      event: 'pic_sysphoto',
      dedupeKey: dedupeKey('pic_sysphoto', menu.eventKey),
      eventKey: menu.eventKey,
      count: 1,
      picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185'],
    },
  ],
  [
    'pic_photo_or_album with three pictures',
    picPhotoOrAlbumEvent({ ...menu, picMd5Sums: ['a', 'b', 'c'] }),
    RoutingKeys.wechatEventPicPhotoOrAlbum,
    {
      event: 'pic_photo_or_album',
      dedupeKey: dedupeKey('pic_photo_or_album', menu.eventKey),
      eventKey: menu.eventKey,
      count: 3,
      picMd5Sums: ['a', 'b', 'c'],
    },
  ],
  [
    'pic_weixin with no picture',
    picWeixinEvent({ ...menu, picMd5Sums: [] }),
    RoutingKeys.wechatEventPicWeixin,
    {
      event: 'pic_weixin',
      dedupeKey: dedupeKey('pic_weixin', menu.eventKey),
      eventKey: menu.eventKey,
      count: 0,
      picMd5Sums: [],
    },
  ],
  [
    'location_select',
    locationSelectEvent({
      ...menu,
      latitude: 23,
      longitude: 113.5,
      scale: 15,
      label: '广州市海珠区客村艺苑路 106号',
      poiName: '',
    }),
    RoutingKeys.wechatEventLocationSelect,
    {
      event: 'location_select',
      dedupeKey: dedupeKey('location_select', menu.eventKey),
      eventKey: menu.eventKey,
      latitude: 23,
      longitude: 113.5,
      scale: 15,
      label: '广州市海珠区客村艺苑路 106号',
      poiName: '',
    },
  ],
  [
    'kf_create_session',
    kfCreateSessionEvent({ ...from, kfAccount: 'test1@test' }),
    RoutingKeys.wechatEventKfCreateSession,
    {
      event: 'kf_create_session',
      dedupeKey: dedupeKey('kf_create_session'),
      kfAccount: 'test1@test',
    },
  ],
  [
    'kf_close_session',
    kfCloseSessionEvent({ ...from, kfAccount: 'test1@test' }),
    RoutingKeys.wechatEventKfCloseSession,
    {
      event: 'kf_close_session',
      dedupeKey: dedupeKey('kf_close_session'),
      kfAccount: 'test1@test',
    },
  ],
  [
    'kf_switch_session',
    kfSwitchSessionEvent({ ...from, fromKfAccount: 'test1@test', toKfAccount: 'test2@test' }),
    RoutingKeys.wechatEventKfSwitchSession,
    {
      event: 'kf_switch_session',
      dedupeKey: dedupeKey('kf_switch_session'),
      fromKfAccount: 'test1@test',
      toKfAccount: 'test2@test',
    },
  ],
  [
    'TEMPLATESENDJOBFINISH',
    templateSendJobFinishEvent({ ...from, msgId: BIG_MSG_ID, status: 'failed:user block' }),
    RoutingKeys.wechatEventTemplateSendJobFinish,
    {
      event: 'TEMPLATESENDJOBFINISH',
      dedupeKey: dedupeKey('TEMPLATESENDJOBFINISH', BIG_MSG_ID),
      msgId: BIG_MSG_ID,
      status: 'failed:user block',
    },
  ],
  [
    'MASSSENDJOBFINISH',
    massSendJobFinishEvent({
      ...from,
      msgId: '1000001625',
      status: 'err(30003)',
      totalCount: 10,
      filterCount: 9,
      sentCount: 8,
      errorCount: 1,
    }),
    RoutingKeys.wechatEventMassSendJobFinish,
    {
      event: 'MASSSENDJOBFINISH',
      dedupeKey: dedupeKey('MASSSENDJOBFINISH', '1000001625'),
      msgId: '1000001625',
      status: 'err(30003)',
      totalCount: 10,
      filterCount: 9,
      sentCount: 8,
      errorCount: 1,
    },
  ],
  [
    'MASSSENDJOBFINISH with only some counts',
    massSendJobFinishEvent({ ...from, msgId: '1', status: 'send success', sentCount: 0 }),
    RoutingKeys.wechatEventMassSendJobFinish,
    {
      event: 'MASSSENDJOBFINISH',
      dedupeKey: dedupeKey('MASSSENDJOBFINISH', '1'),
      msgId: '1',
      status: 'send success',
      sentCount: 0,
    },
  ],
];

const unknownEventXml = unknownEvent({
  ...from,
  event: 'subscribe_msg_popup_event',
  elements: [
    [
      'SubscribeMsgPopupEvent',
      [
        [
          'List',
          [
            ['TemplateId', 'T1'],
            ['SubscribeStatusString', 'accept'],
            ['PopupScene', bare(2)],
          ],
        ],
        [
          'List',
          [
            ['TemplateId', 'T2'],
            ['SubscribeStatusString', 'reject'],
            ['PopupScene', bare(2)],
          ],
        ],
      ],
    ],
  ],
});
cases.push([
  'an unknown Event, nested fields and all',
  unknownEventXml,
  RoutingKeys.wechatEventOther,
  {
    event: 'subscribe_msg_popup_event',
    dedupeKey: dedupeKey('subscribe_msg_popup_event'),
    fields: parseWechatXml(unknownEventXml),
  },
]);
cases.push([
  'view_miniprogram (no contract of its own)',
  unknownEvent({
    ...from,
    event: 'view_miniprogram',
    elements: [
      ['EventKey', 'pages/index/index'],
      ['MenuId', bare(3)],
    ],
  }),
  RoutingKeys.wechatEventOther,
  {
    event: 'view_miniprogram',
    eventKey: 'pages/index/index',
    dedupeKey: dedupeKey('view_miniprogram', 'pages/index/index'),
    fields: {
      ToUserName: 'gh_0123456789ab',
      FromUserName: OPEN_ID,
      CreateTime: String(CREATE_TIME),
      MsgType: 'event',
      Event: 'view_miniprogram',
      EventKey: 'pages/index/index',
      MenuId: '3',
    },
  },
]);

function withField(
  xml: string,
  name: string,
  value: WechatXmlObject[string] | undefined,
): WechatXmlObject {
  const fields = { ...parseWechatXml(xml) };
  if (value === undefined) {
    delete fields[name];
  } else {
    fields[name] = value;
  }
  return fields;
}

describe(pushToEvent.name, () => {
  it('covers every inbound routing key', () => {
    expect(new Set(cases.map(([, , key]) => key))).toEqual(
      new Set([...INBOUND_MESSAGE_ROUTING_KEYS, ...INBOUND_EVENT_ROUTING_KEYS]),
    );
  });

  it.each(cases)('maps %s to its typed event', (_name, xml, key, data) => {
    const envelope = pushToEvent(CHANNEL, parseWechatXml(xml));
    expect(envelope.type).toBe(key);
    expect({ ...envelope.data }).toEqual({ ...header, ...data });
    // What a consumer receives passes the contract again after JSON.
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope))).data).toEqual(envelope.data);
  });

  it.each(cases)('is pure: %s twice yields the same payload', (_name, xml) => {
    const first = pushToEvent(CHANNEL, parseWechatXml(xml));
    const second = pushToEvent(CHANNEL, parseWechatXml(xml));
    expect(second.type).toBe(first.type);
    expect(JSON.stringify(second.data)).toBe(JSON.stringify(first.data));
  });

  it('keeps the 64-bit MsgId digit for digit', () => {
    for (const msgId of [BIG_MSG_ID, '18446744073709551615', '1']) {
      const envelope = pushToEvent(
        CHANNEL,
        parseWechatXml(textMessage({ ...from, msgId, content: 'x' })),
      );
      expect(JSON.parse(JSON.stringify(envelope)).data.msgId).toBe(msgId);
    }
  });

  it.each([
    ['scan', RoutingKeys.wechatEventScan, 'SCAN'],
    ['Subscribe', RoutingKeys.wechatEventSubscribe, 'subscribe'],
    ['click', RoutingKeys.wechatEventClick, 'CLICK'],
    [
      'templateSendJobFinish',
      RoutingKeys.wechatEventTemplateSendJobFinish,
      'TEMPLATESENDJOBFINISH',
    ],
    ['KF_CREATE_SESSION', RoutingKeys.wechatEventKfCreateSession, 'kf_create_session'],
  ])('matches Event %j case-insensitively', (sent, key, canonical) => {
    const fields = {
      ...parseWechatXml(
        unknownEvent({
          ...from,
          event: sent,
          elements: [
            ['EventKey', '1'],
            ['MsgID', bare(5)],
            ['Status', 'success'],
            ['KfAccount', 'a@b'],
          ],
        }),
      ),
    };
    const envelope = pushToEvent(CHANNEL, fields);
    expect(envelope.type).toBe(key);
    expect(envelope.data).toMatchObject({ event: canonical });
  });

  it('lowercases an unknown MsgType and keeps the original in fields', () => {
    const envelope = pushToEvent(
      CHANNEL,
      parseWechatXml(unknownMessage({ ...message, msgType: 'File' })),
    );
    expect(envelope.type).toBe(RoutingKeys.wechatMessageOther);
    expect(envelope.data).toMatchObject({ msgType: 'file', fields: { MsgType: 'File' } });
  });

  it('keeps the prefix-less EventKey of a subscribe and omits an empty one', () => {
    const odd = pushToEvent(
      CHANNEL,
      parseWechatXml(subscribeEvent({ ...from, eventKey: 'last_trade_no_1' })),
    );
    expect(odd.data).toMatchObject({ qrScene: 'last_trade_no_1' });
    const plain = pushToEvent(
      CHANNEL,
      parseWechatXml(subscribeEvent({ ...from, eventKey: 'qrscene_' })),
    );
    expect(JSON.parse(JSON.stringify(plain.data))).not.toHaveProperty('qrScene');
  });

  it('tells two events of one user in the same second apart by event and key', () => {
    const keys = [
      subscribeEvent(from),
      locationEvent({ ...from, latitude: 1, longitude: 2, precision: 3 }),
      clickEvent({ ...from, eventKey: 'A' }),
      clickEvent({ ...from, eventKey: 'B' }),
    ].map(
      (xml) => (pushToEvent(CHANNEL, parseWechatXml(xml)).data as { dedupeKey: string }).dedupeKey,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each<[string, WechatXmlObject, string]>([
    [
      'no MsgId',
      withField(textMessage({ ...message, content: 'x' }), 'MsgId', undefined),
      'the push has no MsgId',
    ],
    [
      'no FromUserName',
      withField(textMessage({ ...message, content: 'x' }), 'FromUserName', undefined),
      'the push has no FromUserName',
    ],
    [
      'an empty ToUserName',
      withField(textMessage({ ...message, content: 'x' }), 'ToUserName', ''),
      'the push has no ToUserName',
    ],
    [
      'no MsgType',
      withField(textMessage({ ...message, content: 'x' }), 'MsgType', undefined),
      'the push has no MsgType',
    ],
    [
      'a CreateTime that is not a time',
      withField(textMessage({ ...message, content: 'x' }), 'CreateTime', 'soon'),
      'CreateTime',
    ],
    [
      'a MsgId of 23 digits',
      withField(textMessage({ ...message, content: 'x' }), 'MsgId', '12345678901234567890123'),
      'msgId',
    ],
    [
      'two MsgTypes',
      withField(textMessage({ ...message, content: 'x' }), 'MsgType', ['text', 'image']),
      'MsgType is not a single text value',
    ],
    [
      'a text without Content',
      withField(textMessage({ ...message, content: 'x' }), 'Content', undefined),
      'the push has no Content',
    ],
    [
      'an image without PicUrl',
      withField(imageMessage({ ...message, picUrl: 'u', mediaId: 'm' }), 'PicUrl', undefined),
      'the push has no PicUrl',
    ],
    [
      'an image with an empty MediaId',
      withField(imageMessage({ ...message, picUrl: 'u', mediaId: 'm' }), 'MediaId', ''),
      'the push has no MediaId',
    ],
    [
      'a voice without Format',
      withField(voiceMessage({ ...message, mediaId: 'm', format: 'amr' }), 'Format', undefined),
      'the push has no Format',
    ],
    [
      'a video without ThumbMediaId',
      withField(
        videoMessage({ ...message, mediaId: 'm', thumbMediaId: 't' }),
        'ThumbMediaId',
        undefined,
      ),
      'the push has no ThumbMediaId',
    ],
    [
      'a location without Location_X',
      withField(
        locationMessage({ ...message, latitude: 1, longitude: 2, scale: 3, label: '' }),
        'Location_X',
        undefined,
      ),
      'the push has no Location_X',
    ],
    [
      'a location whose Location_Y is not a number',
      withField(
        locationMessage({ ...message, latitude: 1, longitude: 2, scale: 3, label: '' }),
        'Location_Y',
        '12abc',
      ),
      'Location_Y is not a number',
    ],
    [
      'a location off the globe',
      withField(
        locationMessage({ ...message, latitude: 1, longitude: 2, scale: 3, label: '' }),
        'Location_X',
        '123.4',
      ),
      'latitude',
    ],
    [
      'a link without Url',
      withField(
        linkMessage({ ...message, title: 't', description: 'd', url: 'u' }),
        'Url',
        undefined,
      ),
      'the push has no Url',
    ],
    [
      'an event without Event',
      withField(subscribeEvent(from), 'Event', undefined),
      'the push has no Event',
    ],
    [
      'a SCAN without EventKey',
      withField(scanEvent({ ...from, eventKey: '1' }), 'EventKey', undefined),
      'the push has no EventKey',
    ],
    [
      'a LOCATION without Precision',
      withField(
        locationEvent({ ...from, latitude: 1, longitude: 2, precision: 3 }),
        'Precision',
        undefined,
      ),
      'the push has no Precision',
    ],
    [
      'a CLICK with an empty EventKey',
      withField(clickEvent({ ...from, eventKey: 'A' }), 'EventKey', ''),
      'the push has no EventKey',
    ],
    [
      'a VIEW without EventKey',
      withField(viewEvent({ ...from, url: 'u' }), 'EventKey', undefined),
      'the push has no EventKey',
    ],
    [
      'a scancode_push without ScanCodeInfo',
      withField(
        scancodePushEvent({ ...menu, scanType: 'qrcode', scanResult: '1' }),
        'ScanCodeInfo',
        undefined,
      ),
      'the push has no ScanCodeInfo',
    ],
    [
      'a scancode_push with a text ScanCodeInfo',
      withField(
        scancodePushEvent({ ...menu, scanType: 'qrcode', scanResult: '1' }),
        'ScanCodeInfo',
        'x',
      ),
      'ScanCodeInfo is not a single element',
    ],
    [
      'a scancode_waitmsg without ScanType',
      withField(
        scancodeWaitmsgEvent({ ...menu, scanType: 'qrcode', scanResult: '1' }),
        'ScanCodeInfo',
        { ScanResult: '1' },
      ),
      'the push has no ScanCodeInfo.ScanType',
    ],
    [
      'a pic event without Count',
      withField(picSysphotoEvent({ ...menu, picMd5Sums: ['a'] }), 'SendPicsInfo', {
        PicList: { item: { PicMd5Sum: 'a' } },
      }),
      'the push has no SendPicsInfo.Count',
    ],
    [
      'a pic event with a fractional Count',
      withField(picSysphotoEvent({ ...menu, picMd5Sums: ['a'] }), 'SendPicsInfo', {
        Count: '1.5',
        PicList: '',
      }),
      'SendPicsInfo.Count is not a whole number',
    ],
    [
      'a pic item without PicMd5Sum',
      withField(picWeixinEvent({ ...menu, picMd5Sums: ['a'] }), 'SendPicsInfo', {
        Count: '2',
        PicList: { item: [{ PicMd5Sum: 'a' }, { Other: 'b' }] },
      }),
      'the push has no SendPicsInfo.PicList.item[1].PicMd5Sum',
    ],
    [
      'a location_select without Scale',
      withField(
        locationSelectEvent({ ...menu, latitude: 1, longitude: 2, scale: 3, label: '' }),
        'SendLocationInfo',
        { Location_X: '1', Location_Y: '2', Label: '' },
      ),
      'the push has no SendLocationInfo.Scale',
    ],
    [
      'a kf_create_session without KfAccount',
      withField(kfCreateSessionEvent({ ...from, kfAccount: 'a' }), 'KfAccount', undefined),
      'the push has no KfAccount',
    ],
    [
      'a kf_switch_session without ToKfAccount',
      withField(
        kfSwitchSessionEvent({ ...from, fromKfAccount: 'a', toKfAccount: 'b' }),
        'ToKfAccount',
        undefined,
      ),
      'the push has no ToKfAccount',
    ],
    [
      'a TEMPLATESENDJOBFINISH without MsgID',
      withField(
        templateSendJobFinishEvent({ ...from, msgId: '1', status: 's' }),
        'MsgID',
        undefined,
      ),
      'the push has no MsgID',
    ],
    [
      'a MASSSENDJOBFINISH without Status',
      withField(massSendJobFinishEvent({ ...from, msgId: '1', status: 's' }), 'Status', undefined),
      'the push has no Status',
    ],
    [
      'a MASSSENDJOBFINISH with a negative count',
      withField(massSendJobFinishEvent({ ...from, msgId: '1', status: 's' }), 'SentCount', '-1'),
      'SentCount is not a whole number',
    ],
  ])('refuses %s, naming the field', (_what, fields, reason) => {
    expect(() => pushToEvent(CHANNEL, fields)).toThrow(InvalidPushError);
    expect(() => pushToEvent(CHANNEL, fields)).toThrow(reason);
  });

  it('refuses anything else as InvalidPushError only', () => {
    const hostile: WechatXmlObject = {
      ...parseWechatXml(clickEvent({ ...from, eventKey: 'A' })),
      EventKey: 'x'.repeat(5000),
    };
    expect(() =>
      pushToEvent('not-a-uuid', parseWechatXml(clickEvent({ ...from, eventKey: 'A' }))),
    ).toThrow(InvalidPushError);
    expect(() => pushToEvent(CHANNEL, hostile)).toThrow(InvalidPushError);
    expect(() => pushToEvent(CHANNEL, {})).toThrow(InvalidPushError);
  });
});
