export {
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  testEnv,
  type TestDatabase,
} from './isolation';
export { waitFor } from './wait-for';
