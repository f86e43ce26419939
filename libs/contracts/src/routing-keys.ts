/**
 * Every routing key of the system. A key names one message and one payload version; a change that
 * breaks consumers gets a new key (…v2) published beside the old one until every consumer moved.
 */
export const RoutingKeys = {
  channelUpdated: 'channel.updated.v1',
  wechatMessageReceived: 'wechat.inbound.message.v1',
  wechatEventReceived: 'wechat.inbound.event.v1',
  conversationMessageRecorded: 'conversation.message.recorded.v1',
  ticketSettingsUpdated: 'ticket.settings.updated.v1',
  ticketCreated: 'ticket.created.v1',
  ticketMessageAdded: 'ticket.message.added.v1',
  outboundReplyRequested: 'outbound.reply.requested.v1',
  outboundReplySent: 'outbound.reply.sent.v1',
  outboundReplyFailed: 'outbound.reply.failed.v1',
} as const;

export type RoutingKey = (typeof RoutingKeys)[keyof typeof RoutingKeys];

export const ALL_ROUTING_KEYS: readonly RoutingKey[] = Object.values(RoutingKeys);

export function isRoutingKey(value: string): value is RoutingKey {
  return (ALL_ROUTING_KEYS as readonly string[]).includes(value);
}
