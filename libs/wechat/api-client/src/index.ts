export { AccessTokenStore } from './access-token-store';
export { WechatApiClient } from './wechat-api-client';
export { WechatApiClientModule } from './wechat-api-client.module';
export { TOKEN_INVALID_ERRCODES, WechatApiError, WechatUnreachableError } from './wechat-api-error';
export { fetchStableToken, WechatHttp, type WechatCredentials } from './wechat-http';
