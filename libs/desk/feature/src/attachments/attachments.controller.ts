import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CurrentAgent } from '../common/auth/auth.decorators';
import type { AuthenticatedAgent } from '../common/auth/authenticated-agent';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiAuthenticated, ApiDeskErrors } from '../openapi/api-errors';
import { GetAttachment } from './get-attachment/get-attachment';

const attachmentId = new UuidParamPipe('Attachment');

@Controller('attachments')
@ApiAuthenticated()
export class AttachmentsController {
  constructor(@Inject(GetAttachment) private readonly getAttachment: GetAttachment) {}

  /** The bytes of a customer's media (a message's attachment url), with their stored type. */
  @Get(':id')
  @ApiOkResponse({
    description:
      'The bytes, with the stored Content-Type; Content-Disposition inline for images, audio ' +
      'and video, else attachment',
    // Only the success is binary: errors stay JSON (ErrorBody).
    content: Object.fromEntries(
      ['image/*', 'audio/*', 'video/*', 'application/octet-stream'].map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiDeskErrors([
    404,
    "NOT_FOUND: no such stored attachment, or its ticket is outside the caller's scope",
  ])
  async get(
    @CurrentAgent() agent: AuthenticatedAgent,
    @Param('id', attachmentId) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const content = await this.getAttachment.execute(agent, id);
    reply
      .header('Content-Type', content.contentType)
      .header('Content-Length', String(content.bytes.length))
      .header('Content-Disposition', content.disposition)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'private');
    return content.bytes;
  }
}
