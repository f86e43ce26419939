import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

import { MAX_UPLOAD_BYTES } from './media-upload';
import type { UploadPart } from './wechat-api.service';

/** WeChat's field name for the uploaded file. */
export const UPLOAD_FIELD = 'media';

/**
 * The `media` file of a multipart upload, or null when the request is not multipart, is malformed
 * or has no such file (WeChat's 41005). Every part is read to its end; a file longer than the
 * largest allowed upload is kept truncated, so the answer is 40006 rather than a reset connection.
 */
export async function readUploadPart(request: FastifyRequest): Promise<UploadPart | null> {
  if (!request.isMultipart()) {
    return null;
  }
  let found: UploadPart | null = null;
  try {
    const parts: AsyncIterableIterator<Multipart> = request.parts({
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 5, fields: 20, parts: 25 },
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'field') {
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) {
        chunks.push(chunk as Buffer);
      }
      if (part.fieldname === UPLOAD_FIELD && found === null) {
        found = {
          field: part.fieldname,
          fileName: part.filename,
          contentType: part.mimetype,
          bytes: Buffer.concat(chunks),
          truncated: part.file.truncated,
        };
      }
    }
  } catch {
    // A broken or over-limit form: WeChat sees no media data in it.
    return null;
  }
  return found;
}
