export { AccessTokenStore } from './access-token-store';
export { WechatApiClient, type WechatCredentials } from './wechat-api-client';
export { WechatApiClientModule } from './wechat-api-client.module';
export { TOKEN_INVALID_ERRCODES, WechatApiError, WechatUnreachableError } from './wechat-api-error';
