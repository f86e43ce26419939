import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import type { AgentRole } from '@wechat-desk/desk/data-access';
import { HealthController, MetricsController } from '@wechat-desk/shared/observability';

import { Authenticate } from '../../auth/authenticate/authenticate';
import { DeskErrors } from '../desk-error';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import type { RequestWithAgent } from './authenticated-agent';
import { bearerToken } from './session-token';

/** Probes and scrapers carry no token (shared controllers, so they cannot be marked @Public()). */
export const UNAUTHENTICATED_CONTROLLERS: ReadonlySet<unknown> = new Set([
  HealthController,
  MetricsController,
]);

const ACCEPTS_QUERY_TOKEN = 'desk:accepts-query-token';

/**
 * The route also takes the token as `?access_token=`: only for the live stream, which browsers
 * open with EventSource, and EventSource cannot set headers. Elsewhere tokens stay out of URLs.
 */
export const AcceptsQueryToken = (): MethodDecorator => SetMetadata(ACCEPTS_QUERY_TOKEN, true);

/** The caller's token: the Bearer header, else `?access_token=` where the route accepts it. */
export function requestToken(
  request: RequestWithAgent & { query?: unknown },
  acceptsQueryToken: boolean,
): string | null {
  const fromHeader = bearerToken(request.headers['authorization']);
  if (fromHeader !== null || !acceptsQueryToken) {
    return fromHeader;
  }
  const query = request.query;
  const value =
    typeof query === 'object' && query !== null
      ? (query as Record<string, unknown>)['access_token']
      : undefined;
  // The header's rules, by the same parser.
  return typeof value === 'string' ? bearerToken(`Bearer ${value}`) : null;
}

/**
 * Global: every HTTP route needs a valid bearer token unless marked @Public(); @Roles() narrows it.
 * Message handlers are not HTTP and pass (the broker is the trust boundary there).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticate) private readonly authenticate: Authenticate,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || UNAUTHENTICATED_CONTROLLERS.has(context.getClass())) {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true) {
      return true;
    }
    const request = context.switchToHttp().getRequest<RequestWithAgent>();
    const token = requestToken(
      request,
      this.reflector.get<boolean | undefined>(ACCEPTS_QUERY_TOKEN, context.getHandler()) === true,
    );
    if (token === null) {
      throw DeskErrors.unauthenticated();
    }
    const agent = await this.authenticate.execute(token);
    if (agent === null) {
      throw DeskErrors.unauthenticated('The access token is invalid or has expired; log in again');
    }
    request.agent = agent;
    const roles = this.reflector.getAllAndOverride<AgentRole[] | undefined>(
      REQUIRED_ROLES,
      targets,
    );
    if (roles !== undefined && !roles.includes(agent.role)) {
      throw DeskErrors.forbidden(`This needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
