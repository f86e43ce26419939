import { wechatEventDedupeKey } from '../events/wechat-inbound-events.v1';
import { RoutingKeys, type RoutingKey } from '../routing-keys';

/** Valid payloads for contract tests: one per routing key, shared by every spec that needs one. */

type Plain = Record<string, unknown>;

export const uuid = '6b0c9d3e-1f35-4a8e-9c1e-2f8f0c5e7a10';
export const header = {
  channelId: uuid,
  openId: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
  originalId: 'gh_97417a04a28d',
  createTime: 1714112445,
};
const msgId = '7250021412600020992';
export const at = '2024-04-26T06:20:45.000Z';

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
export const CONTRACT_SAMPLES = {
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
  [RoutingKeys.conversationMediaRequested]: {
    attachmentId: 'a2b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    messageId: snapshot.messageId,
    channelId: uuid,
    messageType: 'video',
    role: 'thumbnail',
    mediaId: 'thumb_MEDIA_ID_1',
  },
  [RoutingKeys.conversationAttachmentStored]: {
    attachmentId: 'a2b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    messageId: snapshot.messageId,
    channelId: uuid,
    role: 'media',
    mimeType: 'image/jpeg',
    size: 48213,
  },
  [RoutingKeys.conversationAttachmentFailed]: {
    attachmentId: 'a2b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    messageId: snapshot.messageId,
    channelId: uuid,
    role: 'media',
    code: 'MEDIA_EXPIRED',
    message: 'WeChat no longer has this media (40007 invalid media_id)',
    attempts: 4,
  },
  [RoutingKeys.conversationContactUpdated]: {
    contactId: 'e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    channelId: uuid,
    openId: header.openId,
    following: true,
    followingChangedAt: at,
    lastCustomerMessageAt: at,
    lastPromptAt: at,
    lastInteractionAt: at,
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
    firstMessageId: snapshot.messageId,
    firstMessageType: snapshot.type,
    firstMessageText: snapshot.text,
    firstMessageSentAt: at,
  },
  [RoutingKeys.ticketMessageAdded]: { ...snapshot, ticketId: replyRef.ticketId },
  [RoutingKeys.ticketStatusChangeRequested]: {
    ticketId: replyRef.ticketId,
    status: 'closed',
    agentId: 'f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    seenCustomerMessageAt: at,
    requestedAt: at,
  },
  [RoutingKeys.ticketStatusChanged]: {
    ticketId: replyRef.ticketId,
    channelId: uuid,
    departmentId: 'd1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    status: 'open',
    version: 3,
    cause: 'customer-message',
    changedAt: at,
  },
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
