import { HttpStatus } from '@nestjs/common';

import type { ChannelIcon } from '@wechat-desk/desk/data-access';

import { DeskError } from '../../common/desk-error';

/** Channel icons are at most 1 MB (1,048,576 bytes). */
export const MAX_ICON_BYTES = 1_048_576;

export type IconMimeType = 'image/jpeg' | 'image/png';

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type by the file's first bytes, whatever its name or declared type; null if neither. */
export function sniffIconType(bytes: Buffer): IconMimeType | null {
  if (bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) {
    return 'image/png';
  }
  if (bytes.subarray(0, JPEG_MAGIC.length).equals(JPEG_MAGIC)) {
    return 'image/jpeg';
  }
  return null;
}

export function iconTooLarge(): DeskError {
  return new DeskError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'ICON_TOO_LARGE',
    'The icon is larger than 1 MB',
    { maxBytes: MAX_ICON_BYTES },
  );
}

/** Checks an uploaded icon by its bytes and size (422 ICON_INVALID / ICON_TOO_LARGE). */
export function checkIcon(bytes: Buffer): ChannelIcon {
  if (bytes.length > MAX_ICON_BYTES) {
    throw iconTooLarge();
  }
  const mimeType = sniffIconType(bytes);
  if (mimeType === null) {
    throw new DeskError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'ICON_INVALID',
      'The icon must be a JPEG or PNG image (checked by its content, not its name)',
      { allowed: ['image/jpeg', 'image/png'] },
    );
  }
  return { bytes, mimeType };
}
