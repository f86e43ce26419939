import { Inject, Injectable, Logger } from '@nestjs/common';

import { AttachmentViewRepository, TicketViewRepository } from '@wechat-desk/desk/data-access';
import { BlobStore } from '@wechat-desk/shared/blob-store';

import type { AuthenticatedAgent } from '../../common/auth/authenticated-agent';
import { DeskErrors } from '../../common/desk-error';
import { ticketScopeFor } from '../../tickets/ticket-scope';

export interface AttachmentContent {
  bytes: Buffer;
  contentType: string;
  /** How a browser should show it: in place for pictures, sound and video, else as a download. */
  disposition: 'inline' | 'attachment';
}

const INLINE_TYPES = /^(image|audio|video)\//i;

export function dispositionFor(contentType: string): AttachmentContent['disposition'] {
  return INLINE_TYPES.test(contentType) ? 'inline' : 'attachment';
}

/**
 * A stored attachment's bytes, scoped like its ticket: unknown, failed, not yet on a projected
 * message, or outside the caller's scope all answer 404 alike.
 */
@Injectable()
export class GetAttachment {
  private readonly logger = new Logger(GetAttachment.name);

  constructor(
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(TicketViewRepository) private readonly tickets: TicketViewRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  async execute(agent: AuthenticatedAgent, id: string): Promise<AttachmentContent> {
    const attachment = await this.attachments.findStored(id);
    const ticket =
      attachment === null || attachment.ticketId === null
        ? null
        : await this.tickets.findById(attachment.ticketId, ticketScopeFor(agent));
    if (attachment === null || ticket === null) {
      throw DeskErrors.notFound('Attachment', id);
    }
    const blob = await this.blobs.get(attachment.blobKey);
    if (blob === null) {
      this.logger.error(`Attachment ${id} is reported stored but its bytes are missing`);
      throw DeskErrors.notFound('Attachment', id);
    }
    return {
      bytes: blob.bytes,
      contentType: blob.contentType,
      disposition: dispositionFor(blob.contentType),
    };
  }
}
