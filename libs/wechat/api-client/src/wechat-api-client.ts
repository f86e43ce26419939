import type Redis from 'ioredis';

import { AccessTokenStore } from './access-token-store';
import { TOKEN_INVALID_ERRCODES, WechatApiError } from './wechat-api-error';
import { fetchStableToken, WechatHttp, type WechatCredentials } from './wechat-http';

export type { WechatCredentials } from './wechat-http';

/** WeChat's HTTP API as the services use it: stable access tokens shared in Redis, timeouts everywhere. */
export class WechatApiClient {
  private readonly tokens: AccessTokenStore;
  private readonly http: WechatHttp;

  constructor(baseUrl: string, redis: Redis, timeoutMs = 10_000) {
    this.tokens = new AccessTokenStore(redis);
    this.http = new WechatHttp(baseUrl, timeoutMs);
  }

  getAccessToken(credentials: WechatCredentials): Promise<string> {
    return this.tokens.get(credentials.appId, () => fetchStableToken(this.http, credentials));
  }

  /** POST /cgi-bin/message/custom/send; the body is sent exactly as given. */
  async sendCustomMessage(credentials: WechatCredentials, message: object): Promise<void> {
    await this.withToken(credentials, (token) =>
      this.http.post(
        `/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`,
        message,
      ),
    );
  }

  /** On 40001/40014/42001 drops the token only if it is still the one that failed, then retries once. */
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
}
