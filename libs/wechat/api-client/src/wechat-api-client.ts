import type Redis from 'ioredis';

import { AccessTokenStore } from './access-token-store';
import { TOKEN_INVALID_ERRCODES, WechatApiError, WechatUnreachableError } from './wechat-api-error';

export interface WechatCredentials {
  appId: string;
  appSecret: string;
}

interface WechatErrorBody {
  errcode?: number;
  errmsg?: string;
}

/** WeChat's HTTP API as the services use it: stable access tokens shared in Redis, timeouts everywhere. */
export class WechatApiClient {
  private readonly tokens: AccessTokenStore;

  constructor(
    private readonly baseUrl: string,
    redis: Redis,
    private readonly timeoutMs = 10_000,
  ) {
    this.tokens = new AccessTokenStore(redis);
  }

  getAccessToken(credentials: WechatCredentials): Promise<string> {
    return this.tokens.get(credentials.appId, () => this.fetchStableToken(credentials));
  }

  /** POST /cgi-bin/stable_token in normal mode: the same token while it is valid, no mutual invalidation. */
  async fetchStableToken(
    credentials: WechatCredentials,
  ): Promise<{ token: string; expiresInSeconds: number }> {
    const body = await this.call<{ access_token?: string; expires_in?: number }>(
      '/cgi-bin/stable_token',
      {
        grant_type: 'client_credential',
        appid: credentials.appId,
        secret: credentials.appSecret,
        force_refresh: false,
      },
    );
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new WechatUnreachableError('stable_token answered without a token');
    }
    return { token: body.access_token, expiresInSeconds: body.expires_in };
  }

  /** POST /cgi-bin/message/custom/send; the body is sent exactly as given. */
  async sendCustomMessage(credentials: WechatCredentials, message: object): Promise<void> {
    await this.withToken(credentials, (token) =>
      this.call(`/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, message),
    );
  }

  private async withToken<T>(
    credentials: WechatCredentials,
    work: (token: string) => Promise<T>,
  ): Promise<T> {
    const token = await this.getAccessToken(credentials);
    try {
      return await work(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TOKEN_INVALID_ERRCODES.has(error.errcode)) {
        throw error;
      }
      await this.tokens.invalidate(credentials.appId, token);
      return work(await this.getAccessToken(credentials));
    }
  }

  private async call<T extends object>(
    pathAndQuery: string,
    payload: object,
  ): Promise<T & WechatErrorBody> {
    const path = pathAndQuery.split('?')[0] ?? pathAndQuery;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new WechatUnreachableError(
        `WeChat ${path} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    let body: T & WechatErrorBody;
    try {
      body = (await response.json()) as T & WechatErrorBody;
    } catch {
      throw new WechatUnreachableError(
        `WeChat ${path} answered HTTP ${response.status} without JSON`,
      );
    }
    if (typeof body.errcode === 'number' && body.errcode !== 0) {
      throw new WechatApiError(body.errcode, body.errmsg ?? '', path);
    }
    return body;
  }
}
