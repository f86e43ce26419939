import { classifyMediaResponse, type MediaResponse } from './media-response';
import { MediaTooLargeError, WechatUnreachableError } from './wechat-api-error';

export interface MediaDownloadOptions {
  /** Per HTTP request (the video URL is a second one). Default 30 s: media is bigger than JSON. */
  timeoutMs?: number;
  /** Default 20 MiB, above WeChat's own limits (image 10 MB, video 10 MB). */
  maxBytes?: number;
}

export const DEFAULT_MEDIA_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;

export interface DownloadedMedia {
  bytes: Buffer;
  /** Always a usable MIME type (see mediaMimeType). */
  contentType: string;
  fileName?: string;
}

/**
 * GETs a URL and classifies the answer; the body is read with a cap, so a huge answer is refused
 * without being buffered whole. Network errors and timeouts throw WechatUnreachableError.
 */
export async function fetchMedia(
  url: string,
  label: string,
  options: Required<MediaDownloadOptions>,
): Promise<MediaResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: 'GET', signal });
  } catch (error) {
    throw unreachable(label, error);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new MediaTooLargeError(options.maxBytes, declared);
  }
  let body: Buffer;
  try {
    body = await readCapped(response, options.maxBytes);
  } catch (error) {
    if (error instanceof MediaTooLargeError) {
      throw error;
    }
    throw unreachable(label, error);
  }
  return classifyMediaResponse({
    status: response.status,
    contentType: response.headers.get('content-type'),
    contentDisposition: response.headers.get('content-disposition'),
    body,
  });
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  if (response.body === null) {
    return Buffer.alloc(0);
  }
  // Node's fetch streams Uint8Array chunks; its typings leave them untyped.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return Buffer.concat(chunks, size);
    }
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new MediaTooLargeError(maxBytes, size);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
}

function unreachable(label: string, error: unknown): WechatUnreachableError {
  return new WechatUnreachableError(
    `WeChat ${label} did not answer: ${error instanceof Error ? error.message : String(error)}`,
  );
}
