import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

import { Trim } from '../../common/transforms';
import { MAX_REPLY_FILE_BYTES } from '../reply-files/file-kind';
import type { QueuedReply } from './send-reply';

/** What WeChat's text message holds comfortably; longer replies are split by the agent. */
export const MAX_REPLY_TEXT_LENGTH = 2048;

/** JSON text reply; files (image, voice, video, document) come as multipart/form-data. */
export class SendReplyDto {
  @ApiProperty({ enum: ['text'], description: 'Files are sent as multipart/form-data' })
  @IsIn(['text'])
  type!: 'text';

  @ApiProperty({ minLength: 1, maxLength: MAX_REPLY_TEXT_LENGTH, description: 'Trimmed' })
  @Trim()
  @IsString()
  @Length(1, MAX_REPLY_TEXT_LENGTH)
  text!: string;
}

/** The multipart form of POST /tickets/{id}/messages, for the OpenAPI document. */
@ApiSchema({ name: 'SendReplyForm' })
export class SendReplyFormDoc {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'Its kind is read from its bytes: image (jpg, png, gif; 10 MB), voice (amr, mp3; 2 MB), ' +
      'video (mp4; 10 MB) or document (pdf, doc(x), xls(x), ppt(x), zip, txt, csv; 20 MB), ' +
      `at most ${MAX_REPLY_FILE_BYTES} bytes in all. A document goes to the customer as a ` +
      'signed, expiring link',
  })
  file!: unknown;

  @ApiPropertyOptional({
    enum: ['image', 'voice', 'video', 'document'],
    description: 'Optional: when given, it must be what the bytes are',
  })
  type?: string;

  @ApiPropertyOptional({
    maxLength: MAX_REPLY_TEXT_LENGTH,
    description: 'Documents only: the words sent with the link',
  })
  text?: string;
}

/** QueuedReply for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'QueuedReply' })
export class QueuedReplyDoc implements QueuedReply {
  @ApiProperty({ format: 'uuid', description: "The reply's message id" })
  id!: string;

  @ApiProperty({ enum: ['queued'] })
  status!: 'queued';
}
