import { isRecord } from './accounts';

/** Media types WeChat's temporary media knows (protocol.md §8.1). */
export const SIM_MEDIA_TYPES = ['image', 'voice', 'video', 'thumb'] as const;
export type SimMediaType = (typeof SIM_MEDIA_TYPES)[number];

/** What the next calls for a media item do instead of answering it (tests exercise retries). */
export const MEDIA_FAULT_MODES = ['http-500', 'system-busy', 'timeout', 'expired'] as const;
export type MediaFaultMode = (typeof MEDIA_FAULT_MODES)[number];

/** Temporary media lives 3 days, then media/get answers 40007. */
export const MEDIA_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000;

/** How long a `timeout` fault holds the answer back by default: beyond any client's patience. */
export const DEFAULT_FAULT_DELAY_MS = 15_000;

export const MEDIA_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const MIME_PATTERN = /^[\w.+-]+\/[\w.+-]+$/;

export interface SimMedia {
  mediaId: string;
  appId: string;
  type: SimMediaType;
  contentType: string;
  bytes: Buffer;
  createdAtMs: number;
}

export interface MediaInput {
  appId: string;
  type: SimMediaType;
  contentType: string;
  bytes: Buffer;
  /** Chosen by the caller (e.g. the push CLI, which already wrote it into the push); else random. */
  mediaId?: string;
}

export interface MediaFault {
  mode: MediaFaultMode;
  remaining: number;
  delayMs: number;
}

type Validation<T> = { ok: true; value: T } | { ok: false; problems: Record<string, string> };

/** `POST /sim/media` body: `{appId, type, contentType, base64, mediaId?}`. */
export function validateMediaInput(input: unknown): Validation<MediaInput> {
  const fields = isRecord(input) ? input : {};
  const problems: Record<string, string> = {};
  const { appId, type, contentType, base64, mediaId } = fields;
  if (typeof appId !== 'string' || appId === '') {
    problems['appId'] = 'must be an AppID';
  }
  if (!SIM_MEDIA_TYPES.includes(type as SimMediaType)) {
    problems['type'] = `must be one of ${SIM_MEDIA_TYPES.join(', ')}`;
  }
  if (typeof contentType !== 'string' || !MIME_PATTERN.test(contentType)) {
    problems['contentType'] = 'must be a MIME type such as image/png';
  }
  const bytes = typeof base64 === 'string' ? decodeBase64(base64) : undefined;
  if (bytes === undefined) {
    problems['base64'] = 'must be the media bytes in base64';
  }
  if (mediaId !== undefined && (typeof mediaId !== 'string' || !MEDIA_ID_PATTERN.test(mediaId))) {
    problems['mediaId'] = `must match ${MEDIA_ID_PATTERN.source}`;
  }
  if (Object.keys(problems).length > 0 || bytes === undefined) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      appId: appId as string,
      type: type as SimMediaType,
      contentType: (contentType as string).toLowerCase(),
      bytes,
      ...(typeof mediaId === 'string' ? { mediaId } : {}),
    },
  };
}

/** `POST /sim/media/:mediaId/faults` body: `{failNext, mode, delayMs?}`. */
export function validateMediaFault(input: unknown): Validation<MediaFault> {
  const fields = isRecord(input) ? input : {};
  const problems: Record<string, string> = {};
  const { failNext, mode, delayMs } = fields;
  if (typeof failNext !== 'number' || !Number.isInteger(failNext) || failNext < 0) {
    problems['failNext'] = 'must be a whole number ≥ 0';
  }
  if (!MEDIA_FAULT_MODES.includes(mode as MediaFaultMode)) {
    problems['mode'] = `must be one of ${MEDIA_FAULT_MODES.join(', ')}`;
  }
  if (
    delayMs !== undefined &&
    (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120_000)
  ) {
    problems['delayMs'] = 'must be a whole number of milliseconds, at most 120000';
  }
  if (Object.keys(problems).length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      mode: mode as MediaFaultMode,
      remaining: failNext as number,
      delayMs: typeof delayMs === 'number' ? delayMs : DEFAULT_FAULT_DELAY_MS,
    },
  };
}

/** Temporary media a message of this account may refer to: its own, of that type, under 3 days old. */
export function mediaUsable(
  media: SimMedia | undefined,
  appId: string,
  type: SimMediaType,
  nowMs: number,
): boolean {
  return (
    media !== undefined &&
    media.appId === appId &&
    media.type === type &&
    nowMs - media.createdAtMs < MEDIA_LIFETIME_MS
  );
}

/** The extension WeChat puts in `Content-disposition: attachment; filename="MEDIA_ID.ext"`. */
export function extensionFor(contentType: string): string {
  const known: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/gif': 'gif',
    'image/bmp': 'bmp',
    'audio/amr': 'amr',
    'audio/mpeg': 'mp3',
    'audio/mp3': 'mp3',
    'audio/speex': 'speex',
    'video/mp4': 'mp4',
  };
  return known[contentType] ?? 'bin';
}

function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return undefined;
  }
  return Buffer.from(compact, 'base64');
}
