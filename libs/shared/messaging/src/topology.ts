import {
  INBOUND_EVENT_ROUTING_KEYS,
  INBOUND_MESSAGE_ROUTING_KEYS,
  RoutingKeys,
  type RoutingKey,
} from '@wechat-desk/contracts';

export const SERVICE_NAMES = [
  'ingress',
  'conversation',
  'ticketing',
  'outbound',
  'desk-api',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Which service consumes which messages. Declared in one place so that every process can declare
 * the whole topology at start: a message published before its consumer first ran still has a queue.
 */
export const SUBSCRIPTIONS: Readonly<Record<ServiceName, readonly RoutingKey[]>> = {
  ingress: [RoutingKeys.channelUpdated],
  conversation: [
    ...INBOUND_MESSAGE_ROUTING_KEYS,
    ...INBOUND_EVENT_ROUTING_KEYS,
    RoutingKeys.conversationMediaRequested,
    RoutingKeys.channelUpdated,
  ],
  ticketing: [
    RoutingKeys.conversationMessageRecorded,
    RoutingKeys.channelUpdated,
    RoutingKeys.ticketSettingsUpdated,
    RoutingKeys.ticketStatusChangeRequested,
  ],
  outbound: [
    RoutingKeys.outboundReplyRequested,
    RoutingKeys.outboundTypingRequested,
    RoutingKeys.channelUpdated,
  ],
  'desk-api': [
    RoutingKeys.ticketCreated,
    RoutingKeys.ticketMessageAdded,
    RoutingKeys.ticketStatusChanged,
    RoutingKeys.conversationAttachmentStored,
    RoutingKeys.conversationAttachmentFailed,
    RoutingKeys.conversationContactUpdated,
    RoutingKeys.outboundReplySent,
    RoutingKeys.outboundReplyFailed,
    RoutingKeys.outboundReplyWindowUpdated,
  ],
};

/** Crash loops (a delivery that kills its worker) end in the dead-letter queue after this many. */
export const BROKER_DELIVERY_LIMIT = 10;

export interface TopologyNames {
  exchange: string;
  queue(service: ServiceName): string;
  deadLetterQueue(service: ServiceName): string;
  retryQueue(service: ServiceName, delayMs: number): string;
}

export function topologyNames(namespace: string): TopologyNames {
  return {
    exchange: `${namespace}.events`,
    queue: (service) => `${namespace}.${service}`,
    deadLetterQueue: (service) => `${namespace}.${service}.dead-letter`,
    retryQueue: (service, delayMs) => `${namespace}.${service}.retry.${delayMs}ms`,
  };
}

export interface QueueDeclaration {
  name: string;
  arguments: Record<string, string | number>;
  bindings: readonly RoutingKey[];
}

/** Every queue of the system with its arguments; pure, so the shape is unit-tested. */
export function declareTopology(
  namespace: string,
  retryDelaysMs: readonly number[],
): { exchange: string; queues: QueueDeclaration[] } {
  const names = topologyNames(namespace);
  const durableQuorum = {
    'x-queue-type': 'quorum',
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
  const queues = SERVICE_NAMES.flatMap((service): QueueDeclaration[] => [
    {
      name: names.queue(service),
      arguments: {
        ...durableQuorum,
        'x-delivery-limit': BROKER_DELIVERY_LIMIT,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.deadLetterQueue(service),
      },
      bindings: SUBSCRIPTIONS[service],
    },
    { name: names.deadLetterQueue(service), arguments: { 'x-queue-type': 'quorum' }, bindings: [] },
    ...[...new Set(retryDelaysMs)].map((delayMs) => ({
      name: names.retryQueue(service, delayMs),
      arguments: {
        ...durableQuorum,
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.queue(service),
      },
      bindings: [],
    })),
  ]);
  return { exchange: names.exchange, queues };
}
