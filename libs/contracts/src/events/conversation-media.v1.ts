import { IsIn, IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** The media a customer's message points to: the message's own, or a video's thumbnail. */
export const ATTACHMENT_ROLES = ['media', 'thumbnail'] as const;
export type AttachmentRole = (typeof ATTACHMENT_ROLES)[number];

/** Inbound message types whose media conversation downloads from WeChat. */
export const MEDIA_MESSAGE_TYPES = ['image', 'voice', 'video', 'shortvideo'] as const;
export type MediaMessageType = (typeof MEDIA_MESSAGE_TYPES)[number];

/**
 * Conversation asks itself to fetch one media item from WeChat (published with the message, in
 * the same transaction), so a download retries with backoff without holding up the message.
 */
export class ConversationMediaRequestedV1 {
  @IsUUID()
  attachmentId!: string;

  @IsUUID()
  messageId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(MEDIA_MESSAGE_TYPES)
  messageType!: MediaMessageType;

  @IsIn(ATTACHMENT_ROLES)
  role!: AttachmentRole;

  /** WeChat's MediaId (or ThumbMediaId), valid for 3 days after the message. */
  @IsString()
  @MaxLength(256)
  mediaId!: string;
}

/** A message's media is stored and can be served: `attachmentId` is also the blob's key. */
export class ConversationAttachmentStoredV1 {
  @IsUUID()
  attachmentId!: string;

  @IsUUID()
  messageId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(ATTACHMENT_ROLES)
  role!: AttachmentRole;

  @Matches(/^[\w.+-]+\/[\w.+-]+$/)
  mimeType!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size!: number;
}

/** A download gave up: the message is marked, so agents see the media is missing and why. */
export class ConversationAttachmentFailedV1 {
  @IsUUID()
  attachmentId!: string;

  @IsUUID()
  messageId!: string;

  @IsUUID()
  channelId!: string;

  @IsIn(ATTACHMENT_ROLES)
  role!: AttachmentRole;

  /** UPPER_SNAKE, e.g. MEDIA_EXPIRED (WeChat 40007) or MEDIA_DOWNLOAD_FAILED. */
  @Matches(/^[A-Z][A-Z0-9_]{1,63}$/)
  code!: string;

  @IsString()
  @MaxLength(1000)
  message!: string;

  @IsInt()
  @Min(1)
  attempts!: number;
}
