/**
 * What WeChat's `/cgi-bin/media/get` answered, told apart without I/O (protocol.md §8.1): raw bytes
 * with a Content-Type, a video's `{"video_url"}`, or an error as JSON with HTTP 200.
 */
export type MediaResponse =
  | { kind: 'bytes'; bytes: Buffer; contentType: string; fileName?: string }
  | { kind: 'video-url'; url: string }
  | { kind: 'wechat-error'; errcode: number; errmsg: string }
  /** Not 2xx: 5xx and 429 are worth retrying, the rest is not. */
  | { kind: 'http-error'; status: number }
  /** Claimed to be JSON but was not, or JSON without anything we know: no usable answer. */
  | { kind: 'unreadable'; reason: string };

export interface RawMediaAnswer {
  status: number;
  contentType: string | null;
  contentDisposition: string | null;
  body: Buffer;
}

/** Types that carry no information about the media: the file name's extension is better. */
const GENERIC_TYPES: ReadonlySet<string> = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/download',
  'application/x-download',
  'application/force-download',
  'application/unknown',
  'text/plain',
]);

/** The media WeChat hands out (image, voice, video, thumb), by file extension. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  speex: 'audio/speex',
  spx: 'audio/speex',
  silk: 'audio/silk',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
};

export const FALLBACK_MIME_TYPE = 'application/octet-stream';

const MIME_PATTERN = /^[\w.+-]+\/[\w.+-]+$/;

export function classifyMediaResponse(answer: RawMediaAnswer): MediaResponse {
  if (answer.status < 200 || answer.status > 299) {
    return { kind: 'http-error', status: answer.status };
  }
  const essence = mimeEssence(answer.contentType);
  // WeChat answers errors (and video URLs) as JSON, sometimes labelled text/plain.
  if (essence === 'application/json' || essence === 'text/json' || essence === 'text/plain') {
    const json = parseJsonObject(answer.body);
    if (json !== undefined) {
      return classifyJson(json);
    }
    if (essence !== 'text/plain') {
      return { kind: 'unreadable', reason: `Content-Type ${essence} but the body is not JSON` };
    }
  }
  const fileName = fileNameOf(answer.contentDisposition);
  return {
    kind: 'bytes',
    bytes: answer.body,
    contentType: mediaMimeType(answer.contentType, fileName),
    ...(fileName === undefined ? {} : { fileName }),
  };
}

function classifyJson(json: Record<string, unknown>): MediaResponse {
  const errcode = json['errcode'];
  if (typeof errcode === 'number' && errcode !== 0) {
    return {
      kind: 'wechat-error',
      errcode,
      errmsg: typeof json['errmsg'] === 'string' ? json['errmsg'] : '',
    };
  }
  const url = json['video_url'];
  if (typeof url === 'string' && /^https?:\/\//i.test(url)) {
    return { kind: 'video-url', url };
  }
  return { kind: 'unreadable', reason: 'JSON answer without errcode or video_url' };
}

/**
 * The media's MIME type: WeChat's Content-Type when it says something, else derived from the file
 * name's extension (`MEDIA_ID.jpg`), else application/octet-stream.
 */
export function mediaMimeType(contentType: string | null, fileName?: string): string {
  const essence = mimeEssence(contentType);
  if (!GENERIC_TYPES.has(essence) && MIME_PATTERN.test(essence)) {
    return essence;
  }
  const extension = fileName === undefined ? undefined : extensionOf(fileName);
  return (extension !== undefined ? MIME_BY_EXTENSION[extension] : undefined) ?? FALLBACK_MIME_TYPE;
}

/** `filename="x.jpg"`, `filename=x.jpg` or RFC 5987 `filename*=UTF-8''x.jpg`; undefined without one. */
export function fileNameOf(contentDisposition: string | null): string | undefined {
  if (contentDisposition === null) {
    return undefined;
  }
  const extended = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(contentDisposition);
  if (extended?.[1] !== undefined) {
    try {
      return sanitizeFileName(decodeURIComponent(extended[1].trim()));
    } catch {
      // A malformed escape: fall back to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(contentDisposition);
  const value = plain?.[1] ?? plain?.[2];
  return value === undefined ? undefined : sanitizeFileName(value.trim());
}

/** The last path segment of a URL, for a video fetched from its `video_url`. */
export function fileNameOfUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last === undefined || last === '' ? undefined : sanitizeFileName(last);
  } catch {
    return undefined;
  }
}

function sanitizeFileName(name: string): string | undefined {
  // Only the name: a path in it must never reach a file system or a header unchanged.
  const base = name.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' ? undefined : base.slice(0, 255);
}

function extensionOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : fileName.slice(dot + 1).toLowerCase();
}

function mimeEssence(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
