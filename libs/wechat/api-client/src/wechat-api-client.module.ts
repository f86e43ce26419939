import { Module } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '@wechat-desk/shared/config';

import { WechatApiClient } from './wechat-api-client';

@Module({
  providers: [
    {
      provide: WechatApiClient,
      inject: [AppConfig, Redis],
      useFactory: (config: AppConfig, redis: Redis) =>
        new WechatApiClient(config.WECHAT_API_BASE_URL, redis),
    },
  ],
  exports: [WechatApiClient],
})
export class WechatApiClientModule {}
