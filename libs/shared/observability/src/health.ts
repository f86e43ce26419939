import { Controller, Get, HttpCode, HttpException, HttpStatus, Injectable } from '@nestjs/common';

import { withTimeout } from '@wechat-desk/shared/util';

export type ReadinessCheck = () => Promise<boolean> | boolean;

/** Modules register what the process needs to do its work; readiness reports each by name. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly informational = new Set<string>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /**
   * The named check is still reported but no longer decides readiness: for a process that keeps
   * working without that dependency (the ingress spools while RabbitMQ is down).
   */
  reportOnly(name: string): void {
    this.informational.add(name);
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [
            name,
            (await withTimeout(Promise.resolve(check()), 2_000)) ? 'up' : 'down',
          ] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([name, state]) => state === 'up' || this.informational.has(name));
    return { ready, checks };
  }
}

@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ready'; checks: Record<string, 'up' | 'down'> }> {
    const result = await this.registry.evaluate();
    if (!result.ready) {
      throw new HttpException(
        { status: 'not-ready', checks: result.checks },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ready', checks: result.checks };
  }
}
