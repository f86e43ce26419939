import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { Roles } from '../common/auth/auth.decorators';
import { ApiAdminOnly, ApiDeskErrors } from '../openapi/api-errors';
import {
  AuditPageDoc,
  ListAuditLog,
  ListAuditLogQuery,
  type AuditPageView,
} from './list-audit-log';

@Controller('audit-log')
@Roles('admin')
@ApiAdminOnly()
export class AuditLogController {
  constructor(@Inject(ListAuditLog) private readonly listAuditLog: ListAuditLog) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDoc, description: 'Newest first' })
  @ApiDeskErrors(422)
  list(@Query() query: ListAuditLogQuery): Promise<AuditPageView> {
    return this.listAuditLog.execute(query);
  }
}
