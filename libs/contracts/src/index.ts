export { openChannelSecrets, sealChannelSecrets } from './channel-secrets';
export {
  ContractViolationError,
  EventCatalogue,
  parseEnvelope,
  validateEventData,
  type EventPayload,
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
export {
  ConversationMessageRecordedV1,
  MESSAGE_DIRECTIONS,
  type MessageDirection,
} from './events/conversation-message-recorded.v1';
export { OutboundReplyFailedV1 } from './events/outbound-reply-failed.v1';
export {
  OutboundReplyRequestedV1,
  REPLY_TYPES,
  type ReplyType,
} from './events/outbound-reply-requested.v1';
export { OutboundReplySentV1 } from './events/outbound-reply-sent.v1';
export { TicketCreatedV1, TICKET_STATUSES, type TicketStatus } from './events/ticket-created.v1';
export { TicketMessageAddedV1 } from './events/ticket-message-added.v1';
export {
  CONVERSION_TIMER_MINUTES,
  TicketSettingsUpdatedV1,
} from './events/ticket-settings-updated.v1';
export { WechatEventReceivedV1 } from './events/wechat-event-received.v1';
export { WechatMessageReceivedV1 } from './events/wechat-message-received.v1';
export { ALL_ROUTING_KEYS, isRoutingKey, RoutingKeys, type RoutingKey } from './routing-keys';
