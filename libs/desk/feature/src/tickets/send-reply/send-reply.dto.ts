import { IsIn, IsString, Length } from 'class-validator';

import { REPLY_TYPES, type ReplyType } from '@wechat-desk/contracts';

import { Trim } from '../../common/transforms';

/** JSON text reply; files (image, voice, video, document) come as multipart later. */
export class SendReplyDto {
  @IsIn(REPLY_TYPES)
  type!: ReplyType;

  @Trim()
  @IsString()
  @Length(1, 2048)
  text!: string;
}
