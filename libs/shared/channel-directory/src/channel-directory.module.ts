import { DynamicModule, Module } from '@nestjs/common';

import { CachedChannelDirectory } from './cached-channel-directory';
import { ChannelDirectory } from './channel-directory';

@Module({})
export class ChannelDirectoryModule {
  /** `cached`: also keep every channel in memory (the ingress hot path). */
  static register(options: { cached: boolean }): DynamicModule {
    const providers = options.cached
      ? [ChannelDirectory, CachedChannelDirectory]
      : [ChannelDirectory];
    return { module: ChannelDirectoryModule, providers, exports: providers };
  }
}
