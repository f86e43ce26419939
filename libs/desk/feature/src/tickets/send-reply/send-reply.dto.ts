import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

import { Trim } from '../../common/transforms';
import type { QueuedReply } from './send-reply';

/** JSON text reply; files (image, voice, video, document) come as multipart later. */
export class SendReplyDto {
  @ApiProperty({ enum: ['text'], description: 'Files are sent as multipart/form-data' })
  @IsIn(['text'])
  type!: 'text';

  @ApiProperty({ minLength: 1, maxLength: 2048, description: 'Trimmed' })
  @Trim()
  @IsString()
  @Length(1, 2048)
  text!: string;
}

/** QueuedReply for the OpenAPI document (the same fields). */
@ApiSchema({ name: 'QueuedReply' })
export class QueuedReplyDoc implements QueuedReply {
  @ApiProperty({ format: 'uuid', description: "The reply's message id" })
  id!: string;

  @ApiProperty({ enum: ['queued'] })
  status!: 'queued';
}
