import { SIM_MEDIA_TYPES, type SimMediaType } from './media';
import type { WechatErrorName } from './wechat-errors';

/** A file format the simulator recognises by its first bytes. */
export type SniffedFormat = 'jpeg' | 'png' | 'gif' | 'amr' | 'mp3' | 'mp4';

const CONTENT_TYPES: Record<SniffedFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  amr: 'audio/amr',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

const KB = 1024;
const MB = 1024 * KB;

/** What `/cgi-bin/media/upload` accepts per type (protocol.md §8.1). Voice's 60 s is not checked. */
export const UPLOAD_RULES: Record<SimMediaType, { formats: SniffedFormat[]; maxBytes: number }> = {
  image: { formats: ['jpeg', 'png', 'gif'], maxBytes: 10 * MB },
  voice: { formats: ['amr', 'mp3'], maxBytes: 2 * MB },
  video: { formats: ['mp4'], maxBytes: 10 * MB },
  thumb: { formats: ['jpeg'], maxBytes: 64 * KB },
};

/** The largest upload read to its end; anything longer is only known to be too large. */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(UPLOAD_RULES).map((r) => r.maxBytes));

/** WeChat trusts the bytes, not the file name or declared content type, so neither is looked at. */
export function sniffFormat(bytes: Buffer): SniffedFormat | null {
  const starts = (...values: number[]): boolean => values.every((v, i) => bytes[i] === v);
  const ascii = (offset: number, text: string): boolean =>
    bytes.subarray(offset, offset + text.length).toString('latin1') === text;
  if (starts(0xff, 0xd8, 0xff)) {
    return 'jpeg';
  }
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) {
    return 'png';
  }
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) {
    return 'gif';
  }
  if (ascii(0, '#!AMR')) {
    return 'amr';
  }
  // An ID3 tag, or an MPEG audio frame sync (11 set bits) at the start.
  if (
    ascii(0, 'ID3') ||
    (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)
  ) {
    return 'mp3';
  }
  if (ascii(4, 'ftyp')) {
    return 'mp4';
  }
  return null;
}

export interface UploadedFile {
  bytes: Buffer;
  /** Longer than MAX_UPLOAD_BYTES: `bytes` holds only the beginning. */
  truncated: boolean;
}

export type UploadVerdict =
  { ok: true; type: SimMediaType; contentType: string } | { ok: false; error: WechatErrorName };

/**
 * Checks an upload in WeChat's order: the `type` parameter (40004), a file at all (41005), its
 * format by the bytes (40005), then its size (40006).
 */
export function checkUpload(type: string | undefined, file: UploadedFile | null): UploadVerdict {
  if (!(SIM_MEDIA_TYPES as readonly string[]).includes(type ?? '')) {
    return { ok: false, error: 'invalidMediaType' };
  }
  const mediaType = type as SimMediaType;
  if (file === null || file.bytes.length === 0) {
    return { ok: false, error: 'mediaDataMissing' };
  }
  const rule = UPLOAD_RULES[mediaType];
  const format = sniffFormat(file.bytes);
  if (format === null || !rule.formats.includes(format)) {
    return { ok: false, error: 'invalidFileType' };
  }
  if (file.truncated || file.bytes.length > rule.maxBytes) {
    return { ok: false, error: 'invalidMediaSize' };
  }
  return { ok: true, type: mediaType, contentType: CONTENT_TYPES[format] };
}
