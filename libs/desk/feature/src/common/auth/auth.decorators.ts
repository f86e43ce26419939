import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

import type { AgentRole } from '@wechat-desk/desk/data-access';

import type { AuthenticatedAgent, RequestWithAgent } from './authenticated-agent';

export const PUBLIC_ROUTE = 'desk:public-route';
export const REQUIRED_ROLES = 'desk:required-roles';

/** The route needs no bearer token (login). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The caller must have one of these roles (403 otherwise). */
export const Roles = (...roles: AgentRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The agent the guard authenticated; only on routes that are not @Public(). */
export const CurrentAgent = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedAgent => {
    const agent = context.switchToHttp().getRequest<RequestWithAgent>().agent;
    if (agent === undefined) {
      throw new Error('CurrentAgent used on a route the AuthGuard did not authenticate');
    }
    return agent;
  },
);
