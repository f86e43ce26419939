import { HttpStatus } from '@nestjs/common';

import { assertNever } from '@wechat-desk/shared/util';

import { DeskError, DeskErrors } from '../../common/desk-error';
import { MAX_REPLY_FILE_BYTES, type FileRefusal, type ReplyFileKind } from './file-kind';

const LIMIT_OWNER: Readonly<Record<ReplyFileKind, string>> = {
  image: 'WeChat takes images of at most',
  voice: 'WeChat takes voice messages of at most',
  video: 'WeChat takes videos of at most',
  document: 'a document may be at most',
};

const megabytes = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** Why a file cannot be sent, as the answer the agent sees (413, 415 or 422). */
export function fileRefusalError(refusal: FileRefusal): DeskError {
  switch (refusal.refused) {
    case 'empty':
      return DeskErrors.validationFailed({ file: ['the file is empty'] });
    case 'too-large':
      return new DeskError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'FILE_TOO_LARGE',
        `This ${refusal.kind} is ${megabytes(refusal.size)}; ${LIMIT_OWNER[refusal.kind]} ` +
          `${megabytes(refusal.maxBytes)}`,
        { kind: refusal.kind, size: refusal.size, maxBytes: refusal.maxBytes },
      );
    case 'unsupported':
      return new DeskError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_FILE_TYPE',
        'This file cannot be sent: images (jpg, png, gif), voice (amr, mp3), video (mp4) and ' +
          'documents (pdf, Office, zip, txt, csv) can',
        { accepted: refusal.accepted },
      );
    default:
      return assertNever(refusal, 'Unexpected file refusal');
  }
}

/** A file cut off at the upload limit: too large whatever its kind. */
export function uploadTooLargeError(): DeskError {
  return new DeskError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'FILE_TOO_LARGE',
    `The file is over ${megabytes(MAX_REPLY_FILE_BYTES)}, the most any reply file may be`,
    { maxBytes: MAX_REPLY_FILE_BYTES },
  );
}
