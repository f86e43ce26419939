import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

import { OutboundReplyRef } from './outbound-reply-ref';

export const REPLY_TYPES = ['text', 'image', 'voice', 'video', 'document'] as const;
export type ReplyType = (typeof REPLY_TYPES)[number];

/** Replies sent as WeChat temporary media (uploaded, then sent by media_id). */
export const MEDIA_REPLY_TYPES = ['image', 'voice', 'video'] as const;
export type MediaReplyType = (typeof MEDIA_REPLY_TYPES)[number];

const carriesFile = (reply: OutboundReplyRequestedV1): boolean => reply.type !== 'text';

/**
 * An agent's reply to send; `replyId` makes the send happen at most once.
 *
 * A file (image, voice, video, document) lies in the blob store under `attachmentBlobKey`. A
 * document goes to the customer as `documentUrl`, a signed, expiring link the desk serves.
 *
 * The `last…At` and `following…` fields are the desk's view of the customer when the agent
 * pressed send: outbound keeps the latest of its own and these, so both sides decide the reply
 * window from the same facts.
 */
export class OutboundReplyRequestedV1 extends OutboundReplyRef {
  @IsUUID()
  agentId!: string;

  @IsIn(REPLY_TYPES)
  type!: ReplyType;

  /** Required for text; for a document, the words sent with its link. */
  @ValidateIf(
    (reply: OutboundReplyRequestedV1) => reply.type === 'text' || reply.text !== undefined,
  )
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text?: string;

  @ValidateIf(carriesFile)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  attachmentBlobKey?: string;

  @ValidateIf(carriesFile)
  @Matches(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i)
  attachmentMimeType?: string;

  @ValidateIf(carriesFile)
  @IsInt()
  @Min(1)
  attachmentSize?: number;

  @ValidateIf(carriesFile)
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  attachmentFileName?: string;

  @ValidateIf((reply: OutboundReplyRequestedV1) => reply.type === 'document')
  @Matches(/^https?:\/\/\S+$/)
  @MaxLength(2000)
  documentUrl?: string;

  @IsOptional()
  @IsISO8601()
  lastCustomerMessageAt?: string;

  @IsOptional()
  @IsISO8601()
  lastPromptAt?: string;

  @IsOptional()
  @IsBoolean()
  following?: boolean;

  @IsOptional()
  @IsISO8601()
  followingChangedAt?: string;

  @IsISO8601()
  requestedAt!: string;
}
