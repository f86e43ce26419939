import {
  classifyMediaResponse,
  fileNameOf,
  fileNameOfUrl,
  mediaMimeType,
  type RawMediaAnswer,
} from './media-response';

const answer = (overrides: Partial<RawMediaAnswer>): RawMediaAnswer => ({
  status: 200,
  contentType: 'image/jpeg',
  contentDisposition: 'attachment; filename="MEDIA_ID.jpg"',
  body: Buffer.from([0xff, 0xd8, 0xff]),
  ...overrides,
});

describe('classifyMediaResponse', () => {
  it('raw bytes with their type and file name', () => {
    expect(classifyMediaResponse(answer({}))).toEqual({
      kind: 'bytes',
      bytes: Buffer.from([0xff, 0xd8, 0xff]),
      contentType: 'image/jpeg',
      fileName: 'MEDIA_ID.jpg',
    });
  });

  it.each([
    ['application/json', '{"errcode":40007,"errmsg":"invalid media_id"}'],
    ['application/json; encoding=utf-8', '{"errcode":40007,"errmsg":"invalid media_id"}'],
    ['text/plain', '{"errcode":40007,"errmsg":"invalid media_id"}'],
    ['TEXT/PLAIN; charset=utf-8', ' {"errcode":40007,"errmsg":"invalid media_id"}\n'],
  ])('an error as JSON with HTTP 200 (%s)', (contentType, body) => {
    expect(
      classifyMediaResponse(
        answer({ contentType, contentDisposition: null, body: Buffer.from(body) }),
      ),
    ).toEqual({ kind: 'wechat-error', errcode: 40007, errmsg: 'invalid media_id' });
  });

  it('-1 system busy is an error too; errcode 0 without video_url is unreadable', () => {
    expect(
      classifyMediaResponse(
        answer({ contentType: 'application/json', body: Buffer.from('{"errcode":-1}') }),
      ),
    ).toEqual({ kind: 'wechat-error', errcode: -1, errmsg: '' });
    expect(
      classifyMediaResponse(
        answer({ contentType: 'application/json', body: Buffer.from('{"errcode":0}') }),
      ),
    ).toMatchObject({ kind: 'unreadable' });
  });

  it("a video's URL", () => {
    expect(
      classifyMediaResponse(
        answer({
          contentType: 'text/plain',
          body: Buffer.from('{"video_url":"http://203.0.113.5/sim/video-files/abc"}'),
        }),
      ),
    ).toEqual({ kind: 'video-url', url: 'http://203.0.113.5/sim/video-files/abc' });
  });

  it('JSON content type with a body that is not JSON is unreadable; text/plain that is not JSON is bytes', () => {
    expect(
      classifyMediaResponse(
        answer({ contentType: 'application/json', body: Buffer.from('<html>') }),
      ),
    ).toMatchObject({ kind: 'unreadable' });
    expect(
      classifyMediaResponse(
        answer({
          contentType: 'text/plain',
          contentDisposition: 'attachment; filename="x.amr"',
          body: Buffer.from('#!AMR\n'),
        }),
      ),
    ).toMatchObject({ kind: 'bytes', contentType: 'audio/amr', fileName: 'x.amr' });
  });

  it.each([500, 502, 404, 429])('HTTP %i is an http-error whatever the body', (status) => {
    expect(
      classifyMediaResponse(
        answer({ status, contentType: 'application/json', body: Buffer.from('{"errcode":0}') }),
      ),
    ).toEqual({ kind: 'http-error', status });
  });

  it('a generic content type takes the type from the file name', () => {
    expect(
      classifyMediaResponse(
        answer({
          contentType: 'application/octet-stream',
          contentDisposition: 'attachment; filename="abc.mp3"',
        }),
      ),
    ).toMatchObject({ kind: 'bytes', contentType: 'audio/mpeg', fileName: 'abc.mp3' });
  });
});

describe('mediaMimeType', () => {
  it.each([
    ['image/png', undefined, 'image/png'],
    ['IMAGE/JPEG; charset=binary', undefined, 'image/jpeg'],
    ['audio/amr', 'x.jpg', 'audio/amr'],
    ['application/octet-stream', 'm.jpg', 'image/jpeg'],
    ['application/octet-stream', 'm.JPEG', 'image/jpeg'],
    ['application/octet-stream', 'm.png', 'image/png'],
    ['application/octet-stream', 'm.gif', 'image/gif'],
    ['application/octet-stream', 'm.amr', 'audio/amr'],
    ['application/octet-stream', 'm.mp3', 'audio/mpeg'],
    ['application/octet-stream', 'm.speex', 'audio/speex'],
    ['application/octet-stream', 'm.mp4', 'video/mp4'],
    ['text/plain', 'm.mp4', 'video/mp4'],
    [null, 'm.amr', 'audio/amr'],
    ['', undefined, 'application/octet-stream'],
    ['application/octet-stream', 'm.xyz', 'application/octet-stream'],
    ['application/octet-stream', 'noextension', 'application/octet-stream'],
    ['not a type', 'm.png', 'image/png'],
  ])('%s with %s → %s', (contentType, fileName, expected) => {
    expect(mediaMimeType(contentType, fileName)).toBe(expected);
  });
});

describe('fileNameOf', () => {
  it.each([
    ['attachment; filename="MEDIA_ID.jpg"', 'MEDIA_ID.jpg'],
    ['attachment; filename=MEDIA_ID.amr', 'MEDIA_ID.amr'],
    ['attachment;filename = "a b.png" ; size=3', 'a b.png'],
    ["attachment; filename*=UTF-8''%E5%9B%BE.png", '图.png'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment', undefined],
    [null, undefined],
  ])('%s → %s', (header, expected) => {
    expect(fileNameOf(header)).toBe(expected);
  });

  it('takes the last path segment of a URL', () => {
    expect(fileNameOfUrl('http://x.test/a/b/video.mp4?x=1')).toBe('video.mp4');
    expect(fileNameOfUrl('http://x.test/')).toBeUndefined();
    expect(fileNameOfUrl('not a url')).toBeUndefined();
  });
});
