/** The media types the simulator's `POST /sim/media` registers. */
export type SimMediaKind = 'image' | 'voice' | 'video' | 'thumb';

export interface SampleMedia {
  contentType: string;
  bytes: Buffer;
}

/**
 * Tiny stand-ins for what a customer sends: a real 1×1 PNG, an AMR header with one silent frame,
 * the start of an MP4 and a JPEG-marked thumbnail. Enough for a download to be checked byte for byte.
 */
export const SAMPLE_MEDIA: Readonly<Record<SimMediaKind, SampleMedia>> = {
  image: {
    contentType: 'image/png',
    bytes: Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    ),
  },
  voice: {
    contentType: 'audio/amr',
    bytes: Buffer.concat([Buffer.from('#!AMR\n'), Buffer.from([0x7c]), Buffer.alloc(31)]),
  },
  video: {
    contentType: 'video/mp4',
    bytes: Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypmp42'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('mp42isom'),
    ]),
  },
  thumb: {
    contentType: 'image/jpeg',
    bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]),
  },
};

export interface RegisterSimMediaInput {
  appId: string;
  type: SimMediaKind;
  /** Defaults to the sample of the type. */
  media?: SampleMedia;
  /** The id the push already carries; the simulator picks one otherwise. */
  mediaId?: string;
}

/** Registers media in the WeChat simulator (`POST /sim/media`), so media/get can answer it. */
export async function registerSimMedia(
  simUrl: string,
  input: RegisterSimMediaInput,
  timeoutMs = 5_000,
): Promise<string> {
  const media = input.media ?? SAMPLE_MEDIA[input.type];
  const response = await fetch(`${simUrl.replace(/\/+$/, '')}/sim/media`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      appId: input.appId,
      type: input.type,
      contentType: media.contentType,
      base64: media.bytes.toString('base64'),
      ...(input.mediaId === undefined ? {} : { mediaId: input.mediaId }),
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (response.status !== 201) {
    throw new Error(`the simulator refused the media (HTTP ${response.status}): ${text}`);
  }
  return (JSON.parse(text) as { mediaId: string }).mediaId;
}
