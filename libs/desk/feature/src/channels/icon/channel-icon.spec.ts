import { DeskError } from '../../common/desk-error';
import { checkIcon, MAX_ICON_BYTES, sniffIconType } from './channel-icon';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof DeskError ? error.code : 'not a DeskError';
  }
}

describe('channel icon', () => {
  it('recognises PNG and JPEG by their magic bytes', () => {
    expect(sniffIconType(PNG)).toBe('image/png');
    expect(sniffIconType(JPEG)).toBe('image/jpeg');
  });

  it('takes a PNG renamed .jpg for the PNG it is (the name plays no part)', () => {
    expect(checkIcon(PNG)).toEqual({ bytes: PNG, mimeType: 'image/png' });
  });

  it('refuses a GIF, text, an empty file and a truncated signature', () => {
    expect(sniffIconType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBeNull();
    expect(codeOf(() => checkIcon(Buffer.from('GIF89a\x01\x00', 'latin1')))).toBe('ICON_INVALID');
    expect(codeOf(() => checkIcon(Buffer.from('hello, I am text')))).toBe('ICON_INVALID');
    expect(codeOf(() => checkIcon(Buffer.alloc(0)))).toBe('ICON_INVALID');
    expect(codeOf(() => checkIcon(PNG.subarray(0, 7)))).toBe('ICON_INVALID');
    expect(codeOf(() => checkIcon(Buffer.from([0xff, 0xd8])))).toBe('ICON_INVALID');
  });

  it('accepts exactly 1 MB and refuses one byte more', () => {
    const exact = Buffer.concat([PNG, Buffer.alloc(MAX_ICON_BYTES - PNG.length)]);
    expect(checkIcon(exact).mimeType).toBe('image/png');
    const over = Buffer.concat([exact, Buffer.alloc(1)]);
    expect(codeOf(() => checkIcon(over))).toBe('ICON_TOO_LARGE');
  });
});
