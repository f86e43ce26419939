import type Redis from 'ioredis';

import { assertNever } from '@wechat-desk/shared/util';

import { AccessTokenStore } from './access-token-store';
import {
  DEFAULT_MAX_MEDIA_BYTES,
  DEFAULT_MEDIA_TIMEOUT_MS,
  type DownloadedMedia,
  fetchMedia,
  type MediaDownloadOptions,
} from './media-download';
import { fileNameOfUrl, mediaMimeType, type MediaResponse } from './media-response';
import {
  TOKEN_INVALID_ERRCODES,
  WechatApiError,
  WechatHttpStatusError,
  WechatUnreachableError,
} from './wechat-api-error';
import { fetchStableToken, WechatHttp, type WechatCredentials } from './wechat-http';

export type { WechatCredentials } from './wechat-http';

const MEDIA_GET_PATH = '/cgi-bin/media/get';

/** WeChat's HTTP API as the services use it: stable access tokens shared in Redis, timeouts everywhere. */
export class WechatApiClient {
  private readonly tokens: AccessTokenStore;
  private readonly http: WechatHttp;

  constructor(
    private readonly baseUrl: string,
    redis: Redis,
    timeoutMs = 10_000,
  ) {
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

  /**
   * GET /cgi-bin/media/get: a temporary media item (what customers send lives 3 days). A video
   * answers `{"video_url"}`, fetched in turn. Throws WechatApiError (errors come as JSON with
   * HTTP 200, e.g. 40007 once expired), WechatHttpStatusError, WechatUnreachableError (network,
   * timeout, unreadable answer) or MediaTooLargeError.
   */
  async downloadMedia(
    credentials: WechatCredentials,
    mediaId: string,
    options: MediaDownloadOptions = {},
  ): Promise<DownloadedMedia> {
    const settings = {
      timeoutMs: options.timeoutMs ?? DEFAULT_MEDIA_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES,
    };
    const first = await this.withToken(credentials, async (token) => {
      const query = `access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`;
      const answer = await fetchMedia(
        `${this.baseUrl}${MEDIA_GET_PATH}?${query}`,
        MEDIA_GET_PATH,
        settings,
      );
      if (answer.kind === 'wechat-error') {
        // Thrown inside withToken, so an invalid token is dropped and the call retried once.
        throw new WechatApiError(answer.errcode, answer.errmsg, MEDIA_GET_PATH);
      }
      return answer;
    });
    if (first.kind !== 'video-url') {
      return mediaOf(first, MEDIA_GET_PATH);
    }
    // The video itself, from the URL WeChat gave (no token needed).
    const video = await fetchMedia(first.url, 'video_url', settings);
    if (video.kind === 'video-url') {
      throw new WechatUnreachableError('WeChat video_url answered another video_url');
    }
    const downloaded = mediaOf(video, 'video_url');
    const fileName = downloaded.fileName ?? fileNameOfUrl(first.url);
    return {
      bytes: downloaded.bytes,
      // A CDN may answer a generic type: the URL's extension (or video/mp4) says more.
      contentType:
        downloaded.contentType === 'application/octet-stream'
          ? mediaMimeType(null, fileName ?? 'video.mp4')
          : downloaded.contentType,
      ...(fileName === undefined ? {} : { fileName }),
    };
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

function mediaOf(
  answer: Exclude<MediaResponse, { kind: 'video-url' }>,
  path: string,
): DownloadedMedia {
  switch (answer.kind) {
    case 'bytes':
      return {
        bytes: answer.bytes,
        contentType: answer.contentType,
        ...(answer.fileName === undefined ? {} : { fileName: answer.fileName }),
      };
    case 'wechat-error':
      throw new WechatApiError(answer.errcode, answer.errmsg, path);
    case 'http-error':
      throw new WechatHttpStatusError(answer.status, path);
    case 'unreadable':
      throw new WechatUnreachableError(`WeChat ${path}: ${answer.reason}`);
    default:
      return assertNever(answer);
  }
}
