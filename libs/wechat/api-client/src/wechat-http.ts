import { WechatApiError, WechatUnreachableError } from './wechat-api-error';

export interface WechatCredentials {
  appId: string;
  appSecret: string;
}

interface WechatErrorBody {
  errcode?: number;
  errmsg?: string;
}

/** POSTs JSON to WeChat's API with a timeout; a non-zero errcode (even with HTTP 200) throws. */
export class WechatHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  post<T extends object>(pathAndQuery: string, payload: object): Promise<T & WechatErrorBody> {
    return this.call<T>(pathAndQuery, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
  }

  get<T extends object>(pathAndQuery: string): Promise<T & WechatErrorBody> {
    return this.call<T>(pathAndQuery, { method: 'GET' });
  }

  /** multipart/form-data (media upload); fetch sets the boundary. */
  postForm<T extends object>(pathAndQuery: string, form: FormData): Promise<T & WechatErrorBody> {
    return this.call<T>(pathAndQuery, { method: 'POST', body: form });
  }

  private async call<T extends object>(
    pathAndQuery: string,
    init: RequestInit,
  ): Promise<T & WechatErrorBody> {
    const path = pathAndQuery.split('?')[0] ?? pathAndQuery;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
        ...init,
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
    if (typeof body !== 'object' || body === null) {
      throw new WechatUnreachableError(`WeChat ${path} answered JSON that is not an object`);
    }
    if (typeof body.errcode === 'number' && body.errcode !== 0) {
      throw new WechatApiError(body.errcode, body.errmsg ?? '', path);
    }
    return body;
  }
}

/**
 * POST /cgi-bin/stable_token in normal mode: the same token while it is valid, so asking never
 * invalidates a token in use elsewhere. Also how an AppID/AppSecret pair is checked.
 */
export async function fetchStableToken(
  http: WechatHttp,
  credentials: WechatCredentials,
): Promise<{ token: string; expiresInSeconds: number }> {
  const body = await http.post<{ access_token?: string; expires_in?: number }>(
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
