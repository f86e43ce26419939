import {
  DEFAULT_FAULT_DELAY_MS,
  extensionFor,
  validateMediaFault,
  validateMediaInput,
} from './media';

describe('validateMediaInput', () => {
  it('decodes the base64 bytes and keeps a chosen media id', () => {
    expect(
      validateMediaInput({
        appId: 'wx0123456789abcdef',
        type: 'voice',
        contentType: 'Audio/AMR',
        base64: 'IyFBTVIK',
        mediaId: 'voice_1',
      }),
    ).toEqual({
      ok: true,
      value: {
        appId: 'wx0123456789abcdef',
        type: 'voice',
        contentType: 'audio/amr',
        bytes: Buffer.from('#!AMR\n'),
        mediaId: 'voice_1',
      },
    });
  });

  it('names every problem', () => {
    const result = validateMediaInput({
      type: 'file',
      contentType: 'x',
      base64: 'a',
      mediaId: '../x',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.problems).sort()).toEqual([
      'appId',
      'base64',
      'contentType',
      'mediaId',
      'type',
    ]);
  });
});

describe('validateMediaFault', () => {
  it('defaults the timeout delay; refuses unknown modes and negative counts', () => {
    expect(validateMediaFault({ failNext: 2, mode: 'timeout' })).toEqual({
      ok: true,
      value: { mode: 'timeout', remaining: 2, delayMs: DEFAULT_FAULT_DELAY_MS },
    });
    expect(validateMediaFault({ failNext: -1, mode: 'boom', delayMs: 1e9 })).toMatchObject({
      ok: false,
      problems: {
        failNext: expect.any(String),
        mode: expect.any(String),
        delayMs: expect.any(String),
      },
    });
  });
});

describe('extensionFor', () => {
  it.each([
    ['image/jpeg', 'jpg'],
    ['image/png', 'png'],
    ['audio/amr', 'amr'],
    ['audio/mpeg', 'mp3'],
    ['video/mp4', 'mp4'],
    ['application/x-unknown', 'bin'],
  ])('%s → %s', (type, extension) => {
    expect(extensionFor(type)).toBe(extension);
  });
});
