import type Redis from 'ioredis';

import { assertNever, sleep } from '@wechat-desk/shared/util';

import { AccessTokenStore } from './access-token-store';
import { backoffDelayMs, DEFAULT_BACKOFF, TRY_AGAIN_ERRCODES, type BackoffPolicy } from './backoff';
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

export type TemporaryMediaType = 'image' | 'voice' | 'video' | 'thumb';
export type TypingCommand = 'Typing' | 'CancelTyping';
/** SENDING, SEND_SUCCESS, SEND_FAIL or DELETE; kept open, WeChat may add more. */
export type MassSendStatus = string;

export interface WechatApiClientOptions {
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

const tokenQuery = (token: string): string => `access_token=${encodeURIComponent(token)}`;

function requireNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new WechatUnreachableError(`WeChat answered without ${what}`);
  }
  return value;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new WechatUnreachableError(`WeChat answered without ${what}`);
  }
  return value;
}

/** WeChat's HTTP API as the services use it: stable access tokens shared in Redis, timeouts everywhere. */
export class WechatApiClient {
  private readonly tokens: AccessTokenStore;
  private readonly http: WechatHttp;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;

  constructor(
    private readonly baseUrl: string,
    redis: Redis,
    options: number | WechatApiClientOptions = {},
  ) {
    const settings = typeof options === 'number' ? { timeoutMs: options } : options;
    this.tokens = new AccessTokenStore(redis);
    this.http = new WechatHttp(baseUrl, settings.timeoutMs ?? 10_000);
    this.backoff = settings.backoff ?? DEFAULT_BACKOFF;
    this.random = settings.random ?? Math.random;
  }

  getAccessToken(credentials: WechatCredentials): Promise<string> {
    return this.tokens.get(credentials.appId, () => fetchStableToken(this.http, credentials));
  }

  /** POST /cgi-bin/message/custom/send; the body is sent exactly as given. */
  async sendCustomMessage(credentials: WechatCredentials, message: object): Promise<void> {
    await this.withToken(credentials, (token) =>
      this.http.post(`/cgi-bin/message/custom/send?${tokenQuery(token)}`, message),
    );
  }

  /** POST /cgi-bin/message/custom/typing (protocol.md §6.3). */
  async sendTyping(
    credentials: WechatCredentials,
    openId: string,
    command: TypingCommand,
  ): Promise<void> {
    await this.withToken(credentials, (token) =>
      this.http.post(`/cgi-bin/message/custom/typing?${tokenQuery(token)}`, {
        touser: openId,
        command,
      }),
    );
  }

  /** POST /cgi-bin/media/upload: temporary media, usable for 3 days (protocol.md §8.1). */
  async uploadTemporaryMedia(
    credentials: WechatCredentials,
    type: TemporaryMediaType,
    file: { bytes: Buffer; fileName: string; contentType: string },
  ): Promise<{ mediaId: string; createdAt: number }> {
    const answer = await this.withToken(credentials, (token) => {
      const form = new FormData();
      form.append(
        'media',
        new Blob([new Uint8Array(file.bytes)], { type: file.contentType }),
        file.fileName,
      );
      return this.http.postForm<{
        media_id?: unknown;
        thumb_media_id?: unknown;
        created_at?: unknown;
      }>(`/cgi-bin/media/upload?${tokenQuery(token)}&type=${type}`, form);
    });
    const mediaId = type === 'thumb' ? (answer.thumb_media_id ?? answer.media_id) : answer.media_id;
    return {
      mediaId: requireString(mediaId, 'a media_id'),
      createdAt: typeof answer.created_at === 'number' ? answer.created_at : 0,
    };
  }

  /** POST /cgi-bin/tags/create; a name already taken (45157) answers the existing tag's id. */
  async createTag(credentials: WechatCredentials, name: string): Promise<number> {
    try {
      const answer = await this.withToken(credentials, (token) =>
        this.http.post<{ tag?: { id?: unknown } }>(`/cgi-bin/tags/create?${tokenQuery(token)}`, {
          tag: { name },
        }),
      );
      return requireNumber(answer.tag?.id, 'a tag id');
    } catch (error) {
      if (!(error instanceof WechatApiError) || error.errcode !== 45157) {
        throw error;
      }
      const existing = (await this.getTags(credentials)).find((tag) => tag.name === name);
      if (existing === undefined) {
        throw error;
      }
      return existing.id;
    }
  }

  /** GET /cgi-bin/tags/get. */
  async getTags(
    credentials: WechatCredentials,
  ): Promise<Array<{ id: number; name: string; count: number }>> {
    const answer = await this.withToken(credentials, (token) =>
      this.http.get<{ tags?: unknown }>(`/cgi-bin/tags/get?${tokenQuery(token)}`),
    );
    if (!Array.isArray(answer.tags)) {
      throw new WechatUnreachableError('WeChat tags/get answered without tags');
    }
    return (answer.tags as Array<Record<string, unknown>>).map((tag) => ({
      id: requireNumber(tag['id'], 'a tag id'),
      name: typeof tag['name'] === 'string' ? tag['name'] : '',
      count: typeof tag['count'] === 'number' ? tag['count'] : 0,
    }));
  }

  /** POST /cgi-bin/tags/members/batchtagging (at most 50 OpenIDs a call). */
  async tagUsers(credentials: WechatCredentials, tagId: number, openIds: string[]): Promise<void> {
    await this.withToken(credentials, (token) =>
      this.http.post(`/cgi-bin/tags/members/batchtagging?${tokenQuery(token)}`, {
        openid_list: openIds,
        tagid: tagId,
      }),
    );
  }

  /** POST /cgi-bin/tags/members/batchuntagging, 50 OpenIDs at a time. */
  async untagUsers(
    credentials: WechatCredentials,
    tagId: number,
    openIds: string[],
  ): Promise<void> {
    for (let start = 0; start < openIds.length; start += 50) {
      const batch = openIds.slice(start, start + 50);
      await this.withToken(credentials, (token) =>
        this.http.post(`/cgi-bin/tags/members/batchuntagging?${tokenQuery(token)}`, {
          openid_list: batch,
          tagid: tagId,
        }),
      );
    }
  }

  /** POST /cgi-bin/user/tag/get, every page. */
  async getTagUsers(credentials: WechatCredentials, tagId: number): Promise<string[]> {
    const openIds: string[] = [];
    let next = '';
    for (;;) {
      const answer = await this.withToken(credentials, (token) =>
        this.http.post<{ count?: unknown; data?: { openid?: unknown }; next_openid?: unknown }>(
          `/cgi-bin/user/tag/get?${tokenQuery(token)}`,
          { tagid: tagId, next_openid: next },
        ),
      );
      const page = Array.isArray(answer.data?.openid) ? (answer.data.openid as unknown[]) : [];
      openIds.push(...page.filter((id): id is string => typeof id === 'string'));
      next = typeof answer.next_openid === 'string' ? answer.next_openid : '';
      if (page.length === 0 || next === '') {
        return openIds;
      }
    }
  }

  /** POST /cgi-bin/message/mass/sendall to one tag (never to everyone). */
  async massSendToTag(
    credentials: WechatCredentials,
    tagId: number,
    message: { msgtype: string },
  ): Promise<{ msgId: string; msgDataId: string | null }> {
    const answer = await this.withToken(credentials, (token) =>
      this.http.post<{ msg_id?: unknown; msg_data_id?: unknown }>(
        `/cgi-bin/message/mass/sendall?${tokenQuery(token)}`,
        { filter: { is_to_all: false, tag_id: tagId }, ...message },
      ),
    );
    return {
      msgId: String(requireNumber(answer.msg_id, 'a msg_id')),
      msgDataId: typeof answer.msg_data_id === 'number' ? String(answer.msg_data_id) : null,
    };
  }

  /** POST /cgi-bin/message/mass/get. */
  async getMassSendStatus(credentials: WechatCredentials, msgId: string): Promise<MassSendStatus> {
    const answer = await this.withToken(credentials, (token) =>
      this.http.post<{ msg_status?: unknown }>(`/cgi-bin/message/mass/get?${tokenQuery(token)}`, {
        msg_id: Number(msgId),
      }),
    );
    return requireString(answer.msg_status, 'a msg_status');
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

  /**
   * On 40001/40014/42001 drops the token only if it is still the one that failed, then retries
   * once. On -1/45009/45011 (WeChat did nothing) waits with jittered backoff and tries again, a
   * few times. Timeouts and network errors are never retried here: a send may have arrived.
   */
  private async withToken<T>(
    credentials: WechatCredentials,
    work: (token: string) => Promise<T>,
  ): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await this.withFreshToken(credentials, work);
      } catch (error) {
        if (
          !(error instanceof WechatApiError) ||
          !TRY_AGAIN_ERRCODES.has(error.errcode) ||
          retry >= this.backoff.retries
        ) {
          throw error;
        }
        await sleep(backoffDelayMs(retry, this.backoff, this.random));
      }
    }
  }

  private async withFreshToken<T>(
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
