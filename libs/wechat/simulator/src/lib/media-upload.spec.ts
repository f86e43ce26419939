import { checkUpload, MAX_UPLOAD_BYTES, sniffFormat, UPLOAD_RULES } from './media-upload';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
const GIF = Buffer.from('GIF89a\x01\x00', 'latin1');
const AMR = Buffer.from('#!AMR\n\x3c', 'latin1');
const MP3_ID3 = Buffer.from('ID3\x04\x00', 'latin1');
const MP3_FRAME = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1')]);

/** `bytes` padded with zeros to `size`. */
function sized(bytes: Buffer, size: number): Buffer {
  return Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);
}

const file = (bytes: Buffer, truncated = false) => ({ bytes, truncated });

describe('temporary media upload checks', () => {
  it.each([
    ['jpeg', JPEG],
    ['png', PNG],
    ['gif', GIF],
    ['amr', AMR],
    ['mp3', MP3_ID3],
    ['mp3', MP3_FRAME],
    ['mp4', MP4],
  ])('recognises %s by its bytes', (format, bytes) => {
    expect(sniffFormat(bytes)).toBe(format);
  });

  it('recognises nothing else (text, BMP, WebP)', () => {
    expect(sniffFormat(Buffer.from('hello'))).toBeNull();
    expect(sniffFormat(Buffer.from('BM\x00\x00', 'latin1'))).toBeNull();
    expect(sniffFormat(Buffer.from('RIFF\x00\x00\x00\x00WEBP', 'latin1'))).toBeNull();
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
  });

  it.each([
    ['image', JPEG, 'image/jpeg'],
    ['image', PNG, 'image/png'],
    ['image', GIF, 'image/gif'],
    ['voice', AMR, 'audio/amr'],
    ['voice', MP3_FRAME, 'audio/mpeg'],
    ['video', MP4, 'video/mp4'],
    ['thumb', JPEG, 'image/jpeg'],
  ])('accepts %s as %s', (type, bytes, contentType) => {
    expect(checkUpload(type, file(bytes))).toEqual({ ok: true, type, contentType });
  });

  it.each([
    ['image', MP4],
    ['voice', JPEG],
    ['video', AMR],
    ['thumb', PNG],
    ['image', Buffer.from('not an image')],
  ])('answers 40005 for %s with the wrong bytes', (type, bytes) => {
    expect(checkUpload(type, file(bytes))).toEqual({ ok: false, error: 'invalidFileType' });
  });

  it.each([
    ['image', JPEG],
    ['voice', AMR],
    ['video', MP4],
    ['thumb', JPEG],
  ] as const)('takes %s up to its limit, to the byte (40006 beyond)', (type, magic) => {
    const limit = UPLOAD_RULES[type].maxBytes;
    expect(checkUpload(type, file(sized(magic, limit))).ok).toBe(true);
    expect(checkUpload(type, file(sized(magic, limit + 1)))).toEqual({
      ok: false,
      error: 'invalidMediaSize',
    });
  });

  it('knows the limits: image and video 10 MB, voice 2 MB, thumb 64 KB', () => {
    expect(UPLOAD_RULES.image.maxBytes).toBe(10 * 1024 * 1024);
    expect(UPLOAD_RULES.video.maxBytes).toBe(10 * 1024 * 1024);
    expect(UPLOAD_RULES.voice.maxBytes).toBe(2 * 1024 * 1024);
    expect(UPLOAD_RULES.thumb.maxBytes).toBe(64 * 1024);
    expect(MAX_UPLOAD_BYTES).toBe(10 * 1024 * 1024);
  });

  it('answers 40006 for a file cut off at the read limit', () => {
    expect(checkUpload('image', file(JPEG, true))).toEqual({
      ok: false,
      error: 'invalidMediaSize',
    });
  });

  it('checks in order: type 40004, file 41005, format 40005, size 40006', () => {
    expect(checkUpload(undefined, null)).toEqual({ ok: false, error: 'invalidMediaType' });
    expect(checkUpload('file', file(JPEG))).toEqual({ ok: false, error: 'invalidMediaType' });
    expect(checkUpload('image', null)).toEqual({ ok: false, error: 'mediaDataMissing' });
    expect(checkUpload('image', file(Buffer.alloc(0)))).toEqual({
      ok: false,
      error: 'mediaDataMissing',
    });
    expect(checkUpload('thumb', file(sized(PNG, 100 * 1024)))).toEqual({
      ok: false,
      error: 'invalidFileType',
    });
  });
});
