/**
 * Helpers for integration and end-to-end tests against the real local PostgreSQL, Redis and
 * RabbitMQ: every run gets its own namespace, database and key prefix, and removes them after.
 * Imported by tests only (tag type:testing; excluded from the build).
 */
export {
  BrokerProbe,
  closeBrokerConnections,
  headerText,
  listBrokerBindings,
  listBrokerQueues,
  type BrokerQueue,
} from './broker';
export {
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  namespaceResources,
  TEST_DATABASE_BASE_URL,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  TEST_RETRY_DELAYS_MS,
  testEnv,
  type TestDatabase,
} from './isolation';
export { TcpFaultProxy } from './tcp-proxy';
export { waitFor, type WaitForOptions } from './wait-for';
export { seededRandom } from './seeded-random';
