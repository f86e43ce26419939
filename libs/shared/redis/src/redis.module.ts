import {
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '@wechat-desk/shared/config';
import { HealthRegistry } from '@wechat-desk/shared/observability';

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(Redis) private readonly redis: Redis,
    @Optional() @Inject(HealthRegistry) private readonly health: HealthRegistry | null,
  ) {}

  onModuleInit(): void {
    this.health?.register('redis', async () => (await this.redis.ping()) === 'PONG');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One ioredis client per process, every key under REDIS_KEY_PREFIX. */
@Global()
@Module({
  providers: [
    {
      provide: Redis,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new Redis(config.REDIS_URL, {
          keyPrefix: config.REDIS_KEY_PREFIX,
          maxRetriesPerRequest: 2,
          enableOfflineQueue: true,
          // Commands issued in the same tick go out in one write: the ingress checks a nonce per push.
          enableAutoPipelining: true,
          lazyConnect: false,
        }),
    },
    RedisLifecycle,
  ],
  exports: [Redis],
})
export class RedisModule {}
