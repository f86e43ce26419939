export { RedisModule } from './redis.module';
