export { AccessTokenStore } from './access-token-store';
export { backoffDelayMs, DEFAULT_BACKOFF, TRY_AGAIN_ERRCODES, type BackoffPolicy } from './backoff';
export {
  WechatApiClient,
  type MassSendStatus,
  type TemporaryMediaType,
  type TypingCommand,
  type WechatApiClientOptions,
} from './wechat-api-client';
export { WechatApiClientModule } from './wechat-api-client.module';
export {
  DEFAULT_MAX_MEDIA_BYTES,
  DEFAULT_MEDIA_TIMEOUT_MS,
  type DownloadedMedia,
  type MediaDownloadOptions,
} from './media-download';
export {
  classifyMediaResponse,
  FALLBACK_MIME_TYPE,
  fileNameOf,
  fileNameOfUrl,
  type MediaResponse,
  mediaMimeType,
  type RawMediaAnswer,
} from './media-response';
export {
  MediaTooLargeError,
  TOKEN_INVALID_ERRCODES,
  WechatApiError,
  WechatHttpStatusError,
  WechatUnreachableError,
} from './wechat-api-error';
export { fetchStableToken, WechatHttp, type WechatCredentials } from './wechat-http';
