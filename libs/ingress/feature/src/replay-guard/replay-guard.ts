import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';

import { AppConfig } from '@wechat-desk/shared/config';
import { withTimeout } from '@wechat-desk/shared/util';

import { IngressMetrics } from '../ingress-metrics';
import type { NonceCheck } from './nonce-check';
import { RecentNonces } from './recent-nonces';

/** Redis answers in well under a millisecond; past this it is treated as unavailable. */
const REDIS_TIMEOUT_MS = 250;
const MEMORY_FALLBACK_ENTRIES = 200_000;

/**
 * Refuses a signed timestamp + nonce used again for another message within the clock-skew window,
 * shared by every replica through Redis. When Redis cannot answer, pushes keep flowing with the
 * check made in this process's memory: losing customers' messages would be worse than a weaker
 * replay check, which the signature and the timestamp window still bound.
 */
@Injectable()
export class ReplayGuard {
  private readonly logger = new Logger(ReplayGuard.name);
  private readonly memory = new RecentNonces(MEMORY_FALLBACK_ENTRIES);
  private readonly ttlSeconds: number;
  private degraded = false;

  constructor(
    @Inject(Redis) private readonly redis: Redis,
    @Inject(IngressMetrics) private readonly metrics: IngressMetrics,
    @Inject(AppConfig) config: AppConfig,
  ) {
    // A timestamp stays acceptable from `skew` before to `skew` after it: 2 × skew in all.
    this.ttlSeconds = 2 * config.INGRESS_MAX_CLOCK_SKEW_S + 1;
  }

  async check(
    channelId: string,
    timestamp: string,
    nonce: string,
    digest: string,
  ): Promise<NonceCheck> {
    const key = `ingress:nonce:${channelId}:${timestamp}:${nonce}`;
    if (this.redis.status === 'ready') {
      try {
        const previous = await withTimeout(
          this.redis.set(key, digest, 'EX', this.ttlSeconds, 'NX', 'GET'),
          REDIS_TIMEOUT_MS,
          'nonce check',
        );
        this.setDegraded(false);
        if (previous === null) {
          return 'first';
        }
        return previous === digest ? 'same-push' : 'replay';
      } catch (error) {
        this.setDegraded(true, error);
      }
    } else {
      this.setDegraded(true);
    }
    this.metrics.replayGuardDegraded.inc();
    return this.memory.check(key, digest, Date.now(), this.ttlSeconds * 1000);
  }

  private setDegraded(degraded: boolean, cause?: unknown): void {
    if (degraded === this.degraded) {
      return;
    }
    this.degraded = degraded;
    if (degraded) {
      const reason = cause instanceof Error ? cause.message : `Redis is ${this.redis.status}`;
      this.logger.warn(`Nonce checks fall back to process memory: ${reason}`);
    } else {
      this.logger.log('Nonce checks are shared through Redis again');
    }
  }
}
