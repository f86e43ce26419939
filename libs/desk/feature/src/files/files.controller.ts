import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Public } from '../common/auth/auth.decorators';
import { ApiDeskErrors } from '../openapi/api-errors';
import { contentDisposition } from './content-disposition';
import { GetDocumentFile } from './get-document-file/get-document-file';

/**
 * The documents agents send, behind signed, expiring links (PUBLIC_FILES_BASE_URL/files/{id}):
 * public, outside /api/v1, because the customer opens them in WeChat with no token.
 */
@Controller('files')
@Public()
export class FilesController {
  constructor(@Inject(GetDocumentFile) private readonly getDocumentFile: GetDocumentFile) {}

  @Get(':attachmentId')
  @ApiQuery({ name: 'expires', description: 'Unix seconds, from the link' })
  @ApiQuery({ name: 'signature', description: 'From the link' })
  @ApiOkResponse({
    description: 'The document as a download, under the name it was sent with',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiDeskErrors(
    [403, 'LINK_INVALID: the link was altered or not made here'],
    [404, 'NOT_FOUND: no such document'],
    [410, 'LINK_EXPIRED: the link is past its expiry (DOCUMENT_LINK_TTL_HOURS)'],
  )
  async get(
    @Param('attachmentId') attachmentId: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const file = await this.getDocumentFile.execute({
      attachmentId,
      expires: typeof expires === 'string' ? expires : undefined,
      signature: typeof signature === 'string' ? signature : undefined,
    });
    reply
      .header('Content-Type', file.contentType)
      .header('Content-Length', String(file.bytes.length))
      .header('Content-Disposition', contentDisposition(file.fileName))
      .header('X-Content-Type-Options', 'nosniff')
      // A document is never a page: no script of it runs in our origin.
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Cache-Control', 'private, no-store')
      .header('Referrer-Policy', 'no-referrer');
    return file.bytes;
  }
}
