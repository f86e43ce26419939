/** The broker cannot take the message now (down, blocked, or the channel is closed). */
export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError';
}

export class PublishTimeoutError extends Error {
  override name = 'PublishTimeoutError';
}

/** The broker refused responsibility for the message (negative confirm). */
export class PublishNackedError extends Error {
  override name = 'PublishNackedError';
}

/** No queue is bound for the routing key: a topology error, never a silent loss. */
export class UnroutableMessageError extends Error {
  override name = 'UnroutableMessageError';
}

/**
 * Thrown by a handler when retrying cannot help (the message itself is wrong):
 * it goes to the dead-letter queue at once.
 */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}
