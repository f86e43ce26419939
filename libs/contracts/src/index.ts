export { openChannelSecrets, sealChannelSecrets } from './channel-secrets';
export {
  ContractViolationError,
  EventCatalogue,
  parseEnvelope,
  validateEventData,
  type EventPayload,
  type WechatInboundEvent,
  type WechatInboundMessage,
} from './catalogue';
export { createEnvelope, EventEnvelope } from './envelope';
export {
  ChannelUpdatedV1,
  ENCRYPTION_MODES,
  REPLY_POLICIES,
  type ChannelSecrets,
  type EncryptionMode,
  type ReplyPolicy,
} from './events/channel-updated.v1';
export { ConversationContactUpdatedV1 } from './events/conversation-contact-updated.v1';
export {
  ATTACHMENT_ROLES,
  ConversationAttachmentFailedV1,
  ConversationAttachmentStoredV1,
  ConversationMediaRequestedV1,
  MEDIA_MESSAGE_TYPES,
  type AttachmentRole,
  type MediaMessageType,
} from './events/conversation-media.v1';
export {
  ConversationMessageRecordedV1,
  MESSAGE_DIRECTIONS,
  type MessageDirection,
} from './events/conversation-message-recorded.v1';
export { OutboundReplyFailedV1 } from './events/outbound-reply-failed.v1';
export {
  MEDIA_REPLY_TYPES,
  OutboundReplyRequestedV1,
  REPLY_TYPES,
  type MediaReplyType,
  type ReplyType,
} from './events/outbound-reply-requested.v1';
export { OutboundReplySentV1 } from './events/outbound-reply-sent.v1';
export { OutboundReplyWindowUpdatedV1 } from './events/outbound-reply-window-updated.v1';
export {
  OutboundTypingRequestedV1,
  TYPING_COMMANDS,
  type TypingCommand,
} from './events/outbound-typing-requested.v1';
export { TicketCreatedV1, TICKET_STATUSES, type TicketStatus } from './events/ticket-created.v1';
export { TicketMessageAddedV1 } from './events/ticket-message-added.v1';
export {
  TICKET_STATUS_CAUSES,
  TicketStatusChangedV1,
  TicketStatusChangeRequestedV1,
  type TicketStatusCause,
} from './events/ticket-status.v1';
export {
  CONVERSION_TIMER_MINUTES,
  TicketSettingsUpdatedV1,
} from './events/ticket-settings-updated.v1';
export {
  WechatClickEventV1,
  wechatEventDedupeKey,
  WechatInboundEventBase,
  WechatKfCloseSessionEventV1,
  WechatKfCreateSessionEventV1,
  WechatKfSwitchSessionEventV1,
  WechatLocationEventV1,
  WechatLocationSelectEventV1,
  WechatMassSendJobFinishEventV1,
  WechatOtherEventV1,
  WechatPicPhotoOrAlbumEventV1,
  WechatPicSysphotoEventV1,
  WechatPicWeixinEventV1,
  WechatScancodePushEventV1,
  WechatScancodeWaitmsgEventV1,
  WechatScanEventV1,
  WechatSubscribeEventV1,
  WechatTemplateSendJobFinishEventV1,
  WechatUnsubscribeEventV1,
  WechatViewEventV1,
} from './events/wechat-inbound-events.v1';
export {
  WechatImageMessageV1,
  WechatInboundMessageBase,
  WechatLinkMessageV1,
  WechatLocationMessageV1,
  WechatOtherMessageV1,
  WechatShortVideoMessageV1,
  WechatTextMessageV1,
  WechatVideoMessageV1,
  WechatVoiceMessageV1,
} from './events/wechat-inbound-messages.v1';
export { WechatPushHeader } from './events/wechat-push-header';
export {
  ALL_ROUTING_KEYS,
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  isRoutingKey,
  ROUTING_KEY_PATTERN,
  RoutingKeys,
  WECHAT_EVENT_KEYS,
  WECHAT_MESSAGE_TYPE_KEYS,
  type InboundEventRoutingKey,
  type InboundMessageRoutingKey,
  type RoutingKey,
  type WechatEventName,
  type WechatMessageType,
} from './routing-keys';
