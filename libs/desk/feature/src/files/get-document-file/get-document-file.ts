import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';

import { AttachmentViewRepository } from '@wechat-desk/desk/data-access';
import { BlobStore } from '@wechat-desk/shared/blob-store';

import { DeskError, DeskErrors } from '../../common/desk-error';
import { DocumentLinks } from '../document-links';

export interface DocumentFile {
  bytes: Buffer;
  contentType: string;
  fileName: string;
}

export interface DocumentLinkParts {
  attachmentId: string;
  expires: string | undefined;
  signature: string | undefined;
}

/**
 * A document an agent sent, for whoever holds its link (the customer, in WeChat's browser): the
 * signature is checked before anything is looked up, so a forged link learns nothing.
 */
@Injectable()
export class GetDocumentFile {
  private readonly logger = new Logger(GetDocumentFile.name);

  constructor(
    @Inject(DocumentLinks) private readonly links: DocumentLinks,
    @Inject(AttachmentViewRepository) private readonly attachments: AttachmentViewRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  async execute(link: DocumentLinkParts, now = new Date()): Promise<DocumentFile> {
    const verdict = this.links.check(link.attachmentId, link.expires, link.signature, now);
    switch (verdict) {
      case 'invalid':
        throw new DeskError(
          HttpStatus.FORBIDDEN,
          'LINK_INVALID',
          'This link is not valid: it was changed or not made by this help desk',
        );
      case 'expired':
        throw new DeskError(
          HttpStatus.GONE,
          'LINK_EXPIRED',
          'This link has expired: ask us to send the document again',
          { expiredAt: new Date(Number(link.expires) * 1000).toISOString() },
        );
      case 'valid':
        break;
    }
    const attachment = await this.attachments.findStored(link.attachmentId);
    // Only agents' files are ever linked; a customer's media is never public.
    if (attachment === null || attachment.fileName === null) {
      throw DeskErrors.notFound('File', link.attachmentId);
    }
    const blob = await this.blobs.get(attachment.blobKey);
    if (blob === null) {
      this.logger.error(`Document ${attachment.id} is recorded but its bytes are missing`);
      throw DeskErrors.notFound('File', link.attachmentId);
    }
    return { bytes: blob.bytes, contentType: blob.contentType, fileName: attachment.fileName };
  }
}
