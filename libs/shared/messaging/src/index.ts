export { AmqpConnection, describeError, type AmqpConnectionOptions } from './amqp-connection';
export { AmqpContext } from './amqp-context';
export { AMQP_TRANSPORT, AmqpTransport, type AmqpTransportOptions } from './amqp-transport';
export { ConfirmPublisher } from './confirm-publisher';
export { connectConsumer, RethrowHandlerErrorsFilter } from './connect-consumer';
export {
  DeadLetterNotFoundError,
  DeadLetters,
  QueueNotFoundError,
  REPLAY_COUNT_HEADER,
  ReplayFailedError,
  UnknownServiceError,
  type DeadLetterDetail,
  type DeadLetterListing,
  type DeadLetterSummary,
  type DeadLettersOptions,
  type ReplayedDeadLetter,
  type ReplayResult,
  type ReplaySelection,
} from './dead-letters';
export { assertTopology } from './declare-topology';
export {
  BrokerUnavailableError,
  NonRetryableError,
  PublishNackedError,
  PublishTimeoutError,
  UnroutableMessageError,
} from './errors';
export {
  MessagingMetrics,
  readQueueDepths,
  type DeliveryObserver,
  type DeliveryOutcome,
  type MessagingProbes,
  type QueueDepths,
} from './messaging-metrics';
export { MessagingModule, type MessagingModuleOptions } from './messaging.module';
export { OutboxRelay } from './outbox-relay';
export { decideOnFailure, type FailureDecision } from './retry-policy';
export {
  BROKER_DELIVERY_LIMIT,
  declareTopology,
  SERVICE_NAMES,
  SUBSCRIPTIONS,
  topologyNames,
  type ServiceName,
  type TopologyNames,
} from './topology';
