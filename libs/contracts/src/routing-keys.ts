/**
 * Every routing key of the system. A key names one message and one payload version; a change that
 * breaks consumers gets a new key (…v2) published beside the old one until every consumer moved.
 * Inbound WeChat keys are mechanical: WeChat's MsgType or Event, lowercased.
 */
export const RoutingKeys = {
  channelUpdated: 'channel.updated.v1',
  wechatMessageText: 'wechat.message.text.v1',
  wechatMessageImage: 'wechat.message.image.v1',
  wechatMessageVoice: 'wechat.message.voice.v1',
  wechatMessageVideo: 'wechat.message.video.v1',
  wechatMessageShortVideo: 'wechat.message.shortvideo.v1',
  wechatMessageLocation: 'wechat.message.location.v1',
  wechatMessageLink: 'wechat.message.link.v1',
  wechatMessageOther: 'wechat.message.other.v1',
  wechatEventSubscribe: 'wechat.event.subscribe.v1',
  wechatEventUnsubscribe: 'wechat.event.unsubscribe.v1',
  wechatEventScan: 'wechat.event.scan.v1',
  wechatEventLocation: 'wechat.event.location.v1',
  wechatEventClick: 'wechat.event.click.v1',
  wechatEventView: 'wechat.event.view.v1',
  wechatEventScancodePush: 'wechat.event.scancode_push.v1',
  wechatEventScancodeWaitmsg: 'wechat.event.scancode_waitmsg.v1',
  wechatEventPicSysphoto: 'wechat.event.pic_sysphoto.v1',
  wechatEventPicPhotoOrAlbum: 'wechat.event.pic_photo_or_album.v1',
  wechatEventPicWeixin: 'wechat.event.pic_weixin.v1',
  wechatEventLocationSelect: 'wechat.event.location_select.v1',
  wechatEventKfCreateSession: 'wechat.event.kf_create_session.v1',
  wechatEventKfCloseSession: 'wechat.event.kf_close_session.v1',
  wechatEventKfSwitchSession: 'wechat.event.kf_switch_session.v1',
  wechatEventTemplateSendJobFinish: 'wechat.event.templatesendjobfinish.v1',
  wechatEventMassSendJobFinish: 'wechat.event.masssendjobfinish.v1',
  wechatEventOther: 'wechat.event.other.v1',
  conversationMessageRecorded: 'conversation.message.recorded.v1',
  conversationMediaRequested: 'conversation.media.requested.v1',
  conversationAttachmentStored: 'conversation.attachment.stored.v1',
  conversationAttachmentFailed: 'conversation.attachment.failed.v1',
  conversationContactUpdated: 'conversation.contact.updated.v1',
  ticketSettingsUpdated: 'ticket.settings.updated.v1',
  ticketCreated: 'ticket.created.v1',
  ticketMessageAdded: 'ticket.message.added.v1',
  ticketStatusChangeRequested: 'ticket.status.change.requested.v1',
  ticketStatusChanged: 'ticket.status.changed.v1',
  outboundReplyRequested: 'outbound.reply.requested.v1',
  outboundReplySent: 'outbound.reply.sent.v1',
  outboundReplyFailed: 'outbound.reply.failed.v1',
  outboundReplyWindowUpdated: 'outbound.reply_window.updated.v1',
  outboundTypingRequested: 'outbound.typing.requested.v1',
} as const;

export type RoutingKey = (typeof RoutingKeys)[keyof typeof RoutingKeys];

export const ALL_ROUTING_KEYS: readonly RoutingKey[] = Object.values(RoutingKeys);

/** A routing key: lowercase dot-separated words (WeChat's names keep their `_`), then the version. */
export const ROUTING_KEY_PATTERN = /^[a-z]+(\.[a-z_]+)*\.v\d+$/;

export function isRoutingKey(value: string): value is RoutingKey {
  return (ALL_ROUTING_KEYS as readonly string[]).includes(value);
}

/** WeChat MsgType → the key of its typed message. */
export const WECHAT_MESSAGE_TYPE_KEYS = {
  text: RoutingKeys.wechatMessageText,
  image: RoutingKeys.wechatMessageImage,
  voice: RoutingKeys.wechatMessageVoice,
  video: RoutingKeys.wechatMessageVideo,
  shortvideo: RoutingKeys.wechatMessageShortVideo,
  location: RoutingKeys.wechatMessageLocation,
  link: RoutingKeys.wechatMessageLink,
} as const;

/** A MsgType with its own contract; any other one travels as `wechat.message.other.v1`. */
export type WechatMessageType = keyof typeof WECHAT_MESSAGE_TYPE_KEYS;

/** WeChat Event (in WeChat's own casing) → the key of its typed event. */
export const WECHAT_EVENT_KEYS = {
  subscribe: RoutingKeys.wechatEventSubscribe,
  unsubscribe: RoutingKeys.wechatEventUnsubscribe,
  SCAN: RoutingKeys.wechatEventScan,
  LOCATION: RoutingKeys.wechatEventLocation,
  CLICK: RoutingKeys.wechatEventClick,
  VIEW: RoutingKeys.wechatEventView,
  scancode_push: RoutingKeys.wechatEventScancodePush,
  scancode_waitmsg: RoutingKeys.wechatEventScancodeWaitmsg,
  pic_sysphoto: RoutingKeys.wechatEventPicSysphoto,
  pic_photo_or_album: RoutingKeys.wechatEventPicPhotoOrAlbum,
  pic_weixin: RoutingKeys.wechatEventPicWeixin,
  location_select: RoutingKeys.wechatEventLocationSelect,
  kf_create_session: RoutingKeys.wechatEventKfCreateSession,
  kf_close_session: RoutingKeys.wechatEventKfCloseSession,
  kf_switch_session: RoutingKeys.wechatEventKfSwitchSession,
  TEMPLATESENDJOBFINISH: RoutingKeys.wechatEventTemplateSendJobFinish,
  MASSSENDJOBFINISH: RoutingKeys.wechatEventMassSendJobFinish,
} as const;

/** An Event with its own contract; any other one travels as `wechat.event.other.v1`. */
export type WechatEventName = keyof typeof WECHAT_EVENT_KEYS;

/** Every key an inbound WeChat message (MsgType ≠ event) is published under. */
export const INBOUND_MESSAGE_ROUTING_KEYS = [
  ...Object.values(WECHAT_MESSAGE_TYPE_KEYS),
  RoutingKeys.wechatMessageOther,
] as const;

export type InboundMessageRoutingKey = (typeof INBOUND_MESSAGE_ROUTING_KEYS)[number];

/** Every key an inbound WeChat event (MsgType = event) is published under. */
export const INBOUND_EVENT_ROUTING_KEYS = [
  ...Object.values(WECHAT_EVENT_KEYS),
  RoutingKeys.wechatEventOther,
] as const;

export type InboundEventRoutingKey = (typeof INBOUND_EVENT_ROUTING_KEYS)[number];
